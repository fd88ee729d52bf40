/**
 * The merged OpenAPI document, cached so that `/docs/json` never fans out to every service per
 * request. It is built on first use and then served stale-while-revalidate: a request that finds
 * it older than `refreshMs` (RETRY_MS while a service's document is missing) gets the cached one
 * and starts one rebuild in the background. Nothing is fetched while nobody reads the docs. Each
 * service's document comes from one of its instances (those last seen up first); a service that
 * does not answer keeps its last document (`cached`) or, if it never answered, is listed as
 * unavailable — it never fails the whole document.
 */
import { mergeOpenApi, type DocumentState, type JsonObject, type MergedInfo, type ServiceDocument } from './openapi-merge.ts';

/** What the docs need of an upstream (structurally, an `Upstream`). */
export interface DocumentedService {
  readonly service: string;
  readonly prefix: string;
  readonly instances: readonly { readonly origin: string; readonly status: string }[];
}

/** Options of {@link createServiceDocs}. */
export interface ServiceDocsOptions {
  services: readonly DocumentedService[];
  info: MergedInfo;
  refreshMs: number;
  /** Longest wait for one instance's document. */
  timeoutMs: number;
  logger: { warn(obj: object, msg: string): void };
}

/** The cached merged document. */
export interface ServiceDocs {
  /**
   * The document to serve now: waits (at most `firstWaitMs`) for the first build, and starts a
   * background rebuild when the cached one is due.
   */
  get(firstWaitMs: number): Promise<JsonObject>;
  /** Aborts fetches in flight. */
  stop(): void;
}

/** Age after which a document with a missing service is rebuilt. */
export const RETRY_MS = 5_000;
const OPENAPI_PATH = '/openapi.json';

/** Creates the cache; nothing is fetched until the first `get`. */
export function createServiceDocs(options: ServiceDocsOptions): ServiceDocs {
  const { services, info, logger } = options;
  const last = new Map<string, JsonObject>();
  const unbuilt = services.map(({ service, prefix }): ServiceDocument => ({ service, prefix, state: 'unavailable', document: null }));
  let merged = mergeOpenApi(info, unbuilt);
  let builtAt = -Infinity;
  let complete = false;
  let building: Promise<void> | undefined;
  const stopping = new AbortController();

  async function documentOf(upstream: DocumentedService): Promise<ServiceDocument> {
    const { service, prefix } = upstream;
    const document = await fetchFirst(upstream, options.timeoutMs, stopping.signal);
    if (document !== null) last.set(service, document);
    else if (!stopping.signal.aborted) logger.warn({ upstream: service }, 'OpenAPI document unavailable; /docs shows the last one or none');
    const state: DocumentState = document !== null ? 'available' : last.has(service) ? 'cached' : 'unavailable';
    return { service, prefix, state, document: last.get(service) ?? null };
  }

  async function build(): Promise<void> {
    const parts = await Promise.all(services.map(documentOf));
    merged = mergeOpenApi(info, parts);
    complete = parts.every((part) => part.state === 'available');
    builtAt = performance.now();
  }

  function rebuild(): Promise<void> {
    building ??= build().finally(() => (building = undefined));
    return building;
  }

  return {
    async get(firstWaitMs) {
      const age = performance.now() - builtAt;
      if (age < (complete ? options.refreshMs : Math.min(RETRY_MS, options.refreshMs))) return merged;
      const pending = rebuild();
      if (builtAt === -Infinity) await waitAtMost(pending, firstWaitMs);
      return merged;
    },
    stop() {
      stopping.abort();
    },
  };
}

async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function fetchFirst(upstream: DocumentedService, timeoutMs: number, stopping: AbortSignal): Promise<JsonObject | null> {
  const rank = (status: string) => (status === 'up' ? 0 : status === 'down' ? 2 : 1);
  const instances = [...upstream.instances].sort((a, b) => rank(a.status) - rank(b.status));
  for (const { origin } of instances) {
    if (stopping.aborted) return null;
    try {
      const signal = AbortSignal.any([stopping, AbortSignal.timeout(timeoutMs)]);
      const response = await fetch(origin + OPENAPI_PATH, { signal, redirect: 'error', headers: { accept: 'application/json' } });
      if (!response.ok) {
        await response.body?.cancel();
        continue;
      }
      const body: unknown = await response.json();
      if (isOpenApi(body)) return body;
    } catch {
      // Next instance.
    }
  }
  return null;
}

function isOpenApi(body: unknown): body is JsonObject {
  const candidate = body as { openapi?: unknown; paths?: unknown } | null;
  return typeof candidate?.openapi === 'string' && typeof candidate.paths === 'object' && candidate.paths !== null;
}
