/**
 * Chooses which instance of a service receives the next request. Instances in rotation take turns
 * (round-robin); an instance leaves rotation while its health checks say it is not ready, or for a
 * cool-down once connection errors ejected it. When no instance is in rotation, all of them take
 * turns again: trying one beats refusing every request, and the last instance in rotation is
 * never ejected for the same reason.
 *
 * Ejection: a refused connection ejects at once (nothing listens there); resets, hang-ups and
 * connect time-outs after `consecutiveErrors` in a row. Back in rotation after the cool-down, an
 * instance is on probation: its next connection error ejects it again, its next answer clears it.
 */
import { inRotation, type Upstream, type UpstreamInstance } from './upstreams.ts';

/** When connection errors take an instance out of rotation, and for how long. */
export interface EjectionOptions {
  cooldownMs: number;
  consecutiveErrors: number;
}

/** Picks instances of one service and learns from connection outcomes. */
export interface Balancer {
  /** The instance for the next request. */
  pick(): UpstreamInstance;
  /** Another instance than `failed`, for a retry; undefined when the service has no other. */
  pickOther(failed: UpstreamInstance): UpstreamInstance | undefined;
  /** The instance answered (whatever the status): its connection errors are forgotten. */
  answered(instance: UpstreamInstance): void;
  /** A connection to the instance failed; `refused` when nothing accepted the connection. */
  connectionFailed(instance: UpstreamInstance, refused: boolean): void;
}

/** Called when an instance is ejected, until `until` (epoch milliseconds). */
export type OnEjection = (instance: UpstreamInstance, until: number) => void;

/** A round-robin balancer over the instances of `upstream`. */
export function createBalancer(upstream: Upstream, options: EjectionOptions, onEjection: OnEjection): Balancer {
  const { cooldownMs, consecutiveErrors } = options;
  if (!Number.isInteger(cooldownMs) || cooldownMs < 1) throw new TypeError('createBalancer: "cooldownMs" must be a positive integer');
  if (!Number.isInteger(consecutiveErrors) || consecutiveErrors < 1) {
    throw new TypeError('createBalancer: "consecutiveErrors" must be a positive integer');
  }
  const { instances } = upstream;
  const count = instances.length;
  let cursor = 0;

  function next(skip: UpstreamInstance | undefined): UpstreamInstance | undefined {
    const now = Date.now();
    const start = cursor;
    let fallback: UpstreamInstance | undefined;
    for (let turn = 0; turn < count; turn += 1) {
      const instance = instances[cursor]!;
      cursor = cursor + 1 === count ? 0 : cursor + 1;
      if (instance === skip) continue;
      if (inRotation(instance, now)) return instance;
      fallback ??= instance;
    }
    cursor = start + 1 === count ? 0 : start + 1;
    return fallback;
  }

  function othersInRotation(instance: UpstreamInstance, now: number): boolean {
    return instances.some((other) => other !== instance && inRotation(other, now));
  }

  return {
    pick() {
      return count === 1 ? instances[0]! : next(undefined)!;
    },
    pickOther(failed) {
      return count === 1 ? undefined : next(failed);
    },
    answered(instance) {
      if (instance.connectionErrors !== 0) instance.connectionErrors = 0;
    },
    connectionFailed(instance, refused) {
      instance.connectionErrors += 1;
      if (!refused && instance.connectionErrors < consecutiveErrors) return;
      const now = Date.now();
      if (instance.ejectedUntil > now || !othersInRotation(instance, now)) return;
      instance.ejectedUntil = now + cooldownMs;
      onEjection(instance, instance.ejectedUntil);
    },
  };
}
