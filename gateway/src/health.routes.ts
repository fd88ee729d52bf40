/**
 * `GET /health/services`: what the gateway knows about each service's instances. Informational:
 * it answers 200 whatever the verdicts, so the gateway's own readiness never follows an upstream's.
 * Instances are numbered from 1 in configured order; their addresses stay internal.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Upstream } from './upstreams.ts';

const InstanceHealth = Type.Object({
  instance: Type.Integer({ minimum: 1 }),
  status: Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('down')]),
  checkedAt: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});

const ServiceHealth = Type.Object({
  status: Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  instances: Type.Array(InstanceHealth),
});

const ServicesHealth = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  services: Type.Record(Type.String(), ServiceHealth),
});

type ServiceStatus = 'unknown' | 'up' | 'degraded' | 'down';

function serviceStatus(upstream: Upstream): ServiceStatus {
  const up = upstream.instances.filter((instance) => instance.status === 'up').length;
  if (up === upstream.instances.length) return 'up';
  if (up > 0) return 'degraded';
  return upstream.instances.some((instance) => instance.status === 'down') ? 'down' : 'unknown';
}

/** Registers `GET /health/services` over the health fields that the health checker maintains. */
export function healthRoutes(app: FastifyInstance, upstreams: readonly Upstream[]): void {
  app.get('/health/services', { schema: { hide: true, response: { 200: ServicesHealth } } }, async () => {
    const services: Record<string, { status: ServiceStatus; instances: object[] }> = {};
    let allUp = true;
    for (const upstream of upstreams) {
      const status = serviceStatus(upstream);
      allUp &&= status === 'up';
      services[upstream.service] = {
        status,
        instances: upstream.instances.map((instance, index) => ({
          instance: index + 1,
          status: instance.status,
          checkedAt: instance.checkedAt,
          reason: instance.reason,
        })),
      };
    }
    return { status: allUp ? 'ok' : 'degraded', services };
  });
}
