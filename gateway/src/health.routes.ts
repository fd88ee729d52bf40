/**
 * `GET /health/services`: what the gateway knows about each service — its breaker and its
 * instances' health and ejection. Informational: it answers 200 whatever the verdicts, so the
 * gateway's own readiness never follows an upstream's. Instances are numbered from 1 in configured
 * order; their addresses stay internal.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { GuardedUpstream } from './upstream-guards.ts';
import { inRotation, type UpstreamInstance } from './upstreams.ts';

const InstanceHealth = Type.Object({
  instance: Type.Integer({ minimum: 1 }),
  status: Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('down')]),
  checkedAt: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  /** Whether requests go to it now (not down, not ejected). */
  inRotation: Type.Boolean(),
  /** Until when connection errors keep it out of rotation (ISO 8601), or null. */
  ejectedUntil: Type.Union([Type.String(), Type.Null()]),
});

const ServiceHealth = Type.Object({
  status: Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  breaker: Type.Union([Type.Literal('closed'), Type.Literal('half-open'), Type.Literal('open')]),
  instances: Type.Array(InstanceHealth),
});

const ServicesHealth = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  services: Type.Record(Type.String(), ServiceHealth),
});

type ServiceStatus = 'unknown' | 'up' | 'degraded' | 'down';

function serviceStatus({ upstream, breaker }: GuardedUpstream, now: number): ServiceStatus {
  if (breaker.state === 'open') return 'down';
  const { instances } = upstream;
  const serving = instances.filter((instance) => instance.status === 'up' && instance.ejectedUntil <= now).length;
  if (serving === instances.length) return breaker.state === 'closed' ? 'up' : 'degraded';
  if (serving > 0) return 'degraded';
  return instances.some((instance) => !inRotation(instance, now)) ? 'down' : 'unknown';
}

function instanceHealth(instance: UpstreamInstance, now: number) {
  return {
    instance: instance.index + 1,
    status: instance.status,
    checkedAt: instance.checkedAt,
    reason: instance.reason,
    inRotation: inRotation(instance, now),
    ejectedUntil: instance.ejectedUntil > now ? new Date(instance.ejectedUntil).toISOString() : null,
  };
}

/** Registers `GET /health/services` over the services' breakers and instance states. */
export function healthRoutes(app: FastifyInstance, guarded: readonly GuardedUpstream[]): void {
  app.get('/health/services', { schema: { hide: true, response: { 200: ServicesHealth } } }, async () => {
    const now = Date.now();
    const services: Record<string, object> = {};
    let allUp = true;
    for (const guard of guarded) {
      const status = serviceStatus(guard, now);
      allUp &&= status === 'up';
      services[guard.upstream.service] = {
        status,
        breaker: guard.breaker.state,
        instances: guard.upstream.instances.map((instance) => instanceHealth(instance, now)),
      };
    }
    return { status: allUp ? 'ok' : 'degraded', services };
  });
}
