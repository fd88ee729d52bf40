/**
 * The services behind the gateway: which public path prefix goes to which service, and the
 * instances of each. Instances are taken in turn (round-robin); the health fields are kept
 * up to date by the health checker and are informational until instance ejection arrives.
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
  /** Origin, e.g. `http://127.0.0.1:3002`. Internal: never shown to clients. */
  readonly origin: string;
  status: InstanceStatus;
  /** When the last health check finished (ISO 8601), or null before the first one. */
  checkedAt: string | null;
  /** Why the last check failed, in words safe to show (no hostnames). */
  reason: string | null;
}

/** A service: its prefix, its instances and the round-robin choice between them. */
export interface Upstream {
  readonly service: ServiceName;
  readonly prefix: string;
  readonly instances: readonly UpstreamInstance[];
  /** The origin of the instance to send the next request to. */
  pick(): string;
}

/** One upstream per service, from the configured instance lists. */
export function createUpstreams(config: Pick<GatewayConfig, 'upstreams'>): readonly Upstream[] {
  return SERVICE_NAMES.map((service) => createUpstream(service, SERVICE_PREFIXES[service], config.upstreams[service]));
}

/** An upstream over `origins` (at least one), picked in turn. */
export function createUpstream(service: ServiceName, prefix: string, origins: readonly string[]): Upstream {
  if (origins.length === 0) throw new TypeError(`createUpstream: ${service} needs at least one instance`);
  const instances: UpstreamInstance[] = origins.map((origin) => ({ origin, status: 'unknown', checkedAt: null, reason: null }));
  const count = instances.length;
  let cursor = 0;
  return {
    service,
    prefix,
    instances,
    pick() {
      const instance = instances[cursor]!;
      cursor = cursor + 1 === count ? 0 : cursor + 1;
      return instance.origin;
    },
  };
}
