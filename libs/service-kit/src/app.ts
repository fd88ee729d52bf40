/**
 * The Fastify app every service (and the gateway) starts from: request ids, pino logging with
 * redaction, strict validation, RFC 9457 errors, security headers, health, metrics and OpenAPI.
 * Routes are registered by the caller afterwards; this never listens.
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { registerErrorHandling } from './errors.ts';
import { registerHealth, type Lifecycle, type ReadinessCheck } from './health.ts';
import { loggerOptions } from './logger.ts';
import { registerMetrics, Registry } from './metrics.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';
import { computeSecurityHeaders } from './security-headers.ts';
import { validatorCompiler } from './validation.ts';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ServiceAppOptions {
  name: string;
  version: string;
  logLevel: string;
  description?: string;
  /** Dependencies that must answer for /health/ready to say 200. */
  readiness?: Record<string, ReadinessCheck>;
  /** Dependencies reported by /health/ready that do not gate it (the service works without them). */
  informational?: Record<string, ReadinessCheck>;
  bodyLimit?: number;
  /** Time-outs against slow clients (the public edge); without them Node's defaults and a 30 s request time-out. */
  clientTimeouts?: ClientTimeouts;
}

/** How long a client may take to send its request (Node's http server enforces both). */
export interface ClientTimeouts {
  /** Until the request headers are complete (slowloris); at most `requestMs`. */
  headersMs: number;
  /** Until the whole request, body included, has arrived; the response may stream for longer. */
  requestMs: number;
}

export interface ServiceApp {
  app: App;
  lifecycle: Lifecycle;
  registry: Registry;
  /** Readiness checks that gate /health/ready; the composition root may add more. */
  readiness: Record<string, ReadinessCheck>;
  /** Checks reported by /health/ready that never gate it; the composition root may add more. */
  informational: Record<string, ReadinessCheck>;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const lifecycle: Lifecycle = { started: false, draining: false };
  const registry = new Registry();
  const timeouts = options.clientTimeouts;
  const app = Fastify({
    logger: loggerOptions({ service: options.name, version: options.version, level: options.logLevel }),
    genReqId: requestIdFrom,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Behind a load balancer that closes idle connections first (see docs/operations.md).
    keepAliveTimeout: 72_000,
    requestTimeout: timeouts?.requestMs ?? 30_000,
    connectionTimeout: 30_000,
    // Node checks both time-outs only every connectionsCheckingInterval (30 s by default): tighten it.
    ...(timeouts && {
      http: {
        headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
        connectionsCheckingInterval: Math.min(1_000, Math.ceil(timeouts.headersMs / 2)),
      },
    }),
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // helmet's security headers, computed once (see security-headers.ts), and the request id.
  const securityHeaders = computeSecurityHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders);
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // While draining, every response (also of requests that began before) tells keep-alive clients (the
  // gateway's pool) to let go of the connection: no request is written onto a connection the
  // listener is about to close, and no idle connection holds the process past its grace period.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (lifecycle.draining) reply.header('connection', 'close');
    done(null, payload);
  });
  registerErrorHandling(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: `Orderly ${options.name}`, version: options.version, description: options.description ?? '' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const readiness = { ...options.readiness };
  const informational = { ...options.informational };
  registerHealth(app, lifecycle, readiness, informational);
  registerMetrics(app, registry, 'orderly');
  return { app, lifecycle, registry, readiness, informational };
}
