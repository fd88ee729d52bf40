/**
 * Where verification keys come from: a JWKS fetched over HTTP and cached, or a key set held in
 * memory (the auth service verifying its own tokens). Key matching and import are jose's
 * `createLocalJWKSet`; only the fetch policy lives here.
 *
 * Why not jose's `createRemoteJWKSet`: its cooldown starts at the last *successful* fetch, so while
 * the auth service is down every request carrying an unknown `kid` starts a new fetch; and once
 * `cacheMaxAge` has passed, a failed refetch fails every verification, known keys included. Here:
 * - every fetch attempt, failed or not, counts against `refetchMinIntervalMs` (at most one request
 *   per interval; concurrent callers share the one in flight), except while no key set is usable,
 *   when attempts may repeat every second;
 * - past `cacheMaxAgeMs` the cached set keeps serving while one caller refreshes it in the
 *   background (stale-while-revalidate), for at most `maxStaleMs`, after which it is unusable
 *   (a key withdrawn for compromise must not live on forever behind an unreachable auth service);
 * - an unknown `kid` waits for one refetch, then fails.
 */
import { createLocalJWKSet, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters, type LocalJWKSet } from 'jose';
import { TokenError } from './token-error.ts';

/** The subset of a pino logger this library writes to. */
export interface VerifierLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Resolves the key for a token header; throws jose's `JWKSNoMatchingKey` for an unknown `kid`. */
export type GetKey = (protectedHeader: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

export interface KeySource {
  getKey: GetKey;
  /** Loads the key set now if it is not fresh; rejects when it cannot. */
  warm(): Promise<void>;
  close(): void;
}

export interface RemoteKeySourceOptions {
  url: URL;
  cacheMaxAgeMs: number;
  maxStaleMs: number;
  refetchMinIntervalMs: number;
  fetchTimeoutMs: number;
  logger: VerifierLogger | undefined;
  /** Called after a refetch dropped or changed a key that was in use, so verdicts must be forgotten. */
  onKeysWithdrawn: () => void;
}

const COLD_RETRY_MS = 1_000;
const JWKS_ACCEPT = 'application/jwk-set+json, application/json';

interface LoadedKeys {
  keys: LocalJWKSet;
  members: Set<string>;
  fetchedAt: number;
}

/** A key set that is used as given and never refetched; an unknown `kid` fails at once. */
export function createLocalKeySource(jwks: JSONWebKeySet): KeySource {
  let keys: LocalJWKSet;
  try {
    keys = createLocalJWKSet(jwks);
  } catch {
    throw new TypeError('createTokenVerifier: "jwks" is not a valid key set');
  }
  return { getKey: keys, warm: async () => {}, close: () => {} };
}

/** A key set fetched from `url`, cached and refetched under the policy described above. */
export function createRemoteKeySource(options: RemoteKeySourceOptions): KeySource {
  const { url, cacheMaxAgeMs, maxStaleMs, refetchMinIntervalMs, fetchTimeoutMs, logger, onKeysWithdrawn } = options;
  const closing = new AbortController();
  let loaded: LoadedKeys | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;

  const isUsable = (now: number): boolean => loaded !== undefined && now - loaded.fetchedAt <= maxStaleMs;
  const mayAttempt = (now: number): boolean =>
    now - lastAttemptAt >= (isUsable(now) ? refetchMinIntervalMs : Math.min(COLD_RETRY_MS, refetchMinIntervalMs));

  async function load(): Promise<void> {
    lastAttemptAt = Date.now();
    try {
      const jwks = await fetchJwks(url, AbortSignal.any([closing.signal, AbortSignal.timeout(fetchTimeoutMs)]));
      const members = new Set(jwks.keys.map((key) => JSON.stringify(key)));
      const previous = loaded;
      const unchanged = previous !== undefined && sameMembers(previous.members, members);
      loaded = { keys: unchanged ? previous.keys : createLocalJWKSet(jwks), members, fetchedAt: Date.now() };
      if (previous && !unchanged) {
        logger?.info({ kids: jwks.keys.map((key) => key.kid) }, 'JWKS changed');
        if ([...previous.members].some((member) => !members.has(member))) onKeysWithdrawn();
      }
    } catch (error) {
      if (!closing.signal.aborted) logger?.warn({ url: url.href, reason: reasonOf(error) }, 'JWKS fetch failed');
      throw error;
    }
  }

  /** Starts a fetch, or joins the one in flight. */
  function refresh(): Promise<void> {
    inflight ??= load().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  async function currentKeys(): Promise<LocalJWKSet> {
    const now = Date.now();
    if (closing.signal.aborted) throw new Error('token verifier is closed');
    if (loaded && isUsable(now)) {
      if (now - loaded.fetchedAt > cacheMaxAgeMs && mayAttempt(now)) refresh().catch(ignore);
      return loaded.keys;
    }
    if (inflight || mayAttempt(now)) await refresh().catch(ignore);
    if (loaded && isUsable(Date.now())) return loaded.keys;
    throw new TokenError('keys_unavailable', 'signing keys unavailable');
  }

  async function getKey(protectedHeader: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    const keys = await currentKeys();
    try {
      return await keys(protectedHeader, token);
    } catch (error) {
      if (!isNoMatchingKey(error) || (!inflight && !mayAttempt(Date.now()))) throw error;
    }
    // The kid may belong to a key that was rotated in since the last fetch: one refetch, then decide.
    await refresh().catch(ignore);
    return (await currentKeys())(protectedHeader, token);
  }

  return {
    getKey,
    async warm() {
      if (loaded && Date.now() - loaded.fetchedAt <= cacheMaxAgeMs) return;
      await refresh();
    },
    close() {
      closing.abort();
    },
  };
}

async function fetchJwks(url: URL, signal: AbortSignal): Promise<JSONWebKeySet> {
  const response = await fetch(url, { headers: { accept: JWKS_ACCEPT }, redirect: 'error', signal });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`JWKS endpoint answered HTTP ${response.status}`);
  }
  const body = (await response.json()) as unknown;
  if (typeof body !== 'object' || body === null || !Array.isArray((body as JSONWebKeySet).keys)) {
    throw new Error('JWKS endpoint did not answer a key set');
  }
  return body as JSONWebKeySet;
}

function sameMembers(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((member) => b.has(member));
}

function isNoMatchingKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_JWKS_NO_MATCHING_KEY';
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}

function ignore(): void {}
