/**
 * The services behind the gateway: which public path prefix goes to which service, and the
 * instances of each with what is known about them. The health checker writes the health fields,
 * the balancer the ejection fields; both decide together whether an instance is in rotation.
 */
import { SERVICE_NAMES, type GatewayConfig, type ServiceName } from './config.ts';

/** Public path prefix of each service; paths are forwarded unchanged, prefix included. */
export const SERVICE_PREFIXES: Readonly<Record<ServiceName, string>> = Object.freeze({
  auth: '/v1/auth',
  orders: '/v1/orders',
  notifications: '/v1/notifications',
  reporting: '/v1/reports',
});

/** An instance's last health verdict; `unknown` until the first check finished. */
export type InstanceStatus = 'unknown' | 'up' | 'down';

/** One running copy of a service. */
export interface UpstreamInstance {
  /** Position in the service's configured list, from 0. */
  readonly index: number;
  /** Origin, e.g. `http://127.0.0.1:3002`. Internal: never shown to clients. */
  readonly origin: string;
  status: InstanceStatus;
  /** When the last health check finished (ISO 8601), or null before the first one. */
  checkedAt: string | null;
  /** Why the last check failed, in words safe to show (no hostnames). */
  reason: string | null;
  /** Epoch milliseconds until which the instance is ejected after connection errors; 0 when it is not. */
  ejectedUntil: number;
  /** Connection errors since the last answer it gave. */
  connectionErrors: number;
}

/** A service: its prefix and its instances. */
export interface Upstream {
  readonly service: ServiceName;
  readonly prefix: string;
  readonly instances: readonly UpstreamInstance[];
}

/** One upstream per service, from the configured instance lists. */
export function createUpstreams(config: Pick<GatewayConfig, 'upstreams'>): readonly Upstream[] {
  return SERVICE_NAMES.map((service) => createUpstream(service, SERVICE_PREFIXES[service], config.upstreams[service]));
}

/** An upstream over `origins` (at least one), every instance of unknown health and in rotation. */
export function createUpstream(service: ServiceName, prefix: string, origins: readonly string[]): Upstream {
  if (origins.length === 0) throw new TypeError(`createUpstream: ${service} needs at least one instance`);
  const instances = origins.map(
    (origin, index): UpstreamInstance => ({ index, origin, status: 'unknown', checkedAt: null, reason: null, ejectedUntil: 0, connectionErrors: 0 }),
  );
  return { service, prefix, instances };
}

/** Whether an instance takes traffic at `now`: not ejected and not reported down by its health checks. */
export function inRotation(instance: UpstreamInstance, now: number): boolean {
  return instance.status !== 'down' && instance.ejectedUntil <= now;
}
