/**
 * `GET /docs`: Swagger UI (@fastify/swagger-ui) over the merged OpenAPI document of every service,
 * which `/docs/json` (and `/docs/yaml`) serve from the cache of ./service-docs.ts. Public: it is
 * registered at the root, outside the scope of rate limiting and edge authentication.
 */
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createServiceDocs, type DocumentedService } from './service-docs.ts';

/** Where the UI is served; the merged document is at `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/docs';
/** Longest wait for the first build when the document is asked for right after start. */
export const FIRST_BUILD_WAIT_MS = 3_000;

/** Options of {@link docsPlugin}. */
export interface DocsOptions {
  services: readonly DocumentedService[];
  version: string;
  refreshMs: number;
  fetchTimeoutMs: number;
}

async function docsPlugin(app: FastifyInstance, options: DocsOptions): Promise<void> {
  if (!Array.isArray(options.services)) throw new TypeError('docsPlugin: "services" must be an array of upstreams');
  if (!Number.isInteger(options.refreshMs) || options.refreshMs < 1) throw new TypeError('docsPlugin: "refreshMs" must be a positive integer');
  if (!Number.isInteger(options.fetchTimeoutMs) || options.fetchTimeoutMs < 1) {
    throw new TypeError('docsPlugin: "fetchTimeoutMs" must be a positive integer');
  }
  const docs = createServiceDocs({
    services: options.services,
    info: { title: 'Orderly API', version: options.version, description: 'Every public endpoint, as served through the gateway.' },
    refreshMs: options.refreshMs,
    timeoutMs: options.fetchTimeoutMs,
    logger: app.log,
  });
  app.addHook('onClose', async () => docs.stop());
  // Swagger UI reads the document synchronously; a hook fetches it first (cached, see service-docs.ts).
  const documents = new WeakMap<FastifyRequest, object>();

  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { validatorUrl: null, deepLinking: true },
    uiHooks: {
      preHandler: async (request) => {
        documents.set(request, await docs.get(FIRST_BUILD_WAIT_MS));
      },
    },
    // The gateway's own document has no public paths; serve the merged one instead.
    transformSpecification: (_own, request) => documents.get(request) ?? {},
    transformSpecificationClone: false,
    // Served over plain http on a developer machine, the UI's own files must not be upgraded to https.
    transformStaticCSP: (header) => header.replace(/;?\s*upgrade-insecure-requests/, ''),
  });
}

/** Serves the merged API documentation with a UI under /docs. */
export default docsPlugin;
