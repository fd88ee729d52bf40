/**
 * Access-token verification (SPEC §3): signature from the JWKS with pinned asymmetric algorithms,
 * then `iss`, `aud`, `exp`, `sub`, `jti` and `roles`. Verdicts are cached per token string until
 * the token's `exp` (never longer), and forgotten as soon as a key is withdrawn from the JWKS.
 */
import { jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { createLocalKeySource, createRemoteKeySource, type GetKey, type KeySource, type VerifierLogger } from './key-source.ts';
import { createTokenCache } from './token-cache.ts';
import { TokenError } from './token-error.ts';

/** Defaults of {@link createTokenVerifier}'s options. */
export const TOKEN_VERIFIER_DEFAULTS = Object.freeze({
  algorithms: Object.freeze(['EdDSA', 'ES256']),
  clockToleranceSec: 5,
  refetchMinIntervalMs: 30_000,
  cacheMaxAgeMs: 10 * 60_000,
  maxStaleMs: 60 * 60_000,
  fetchTimeoutMs: 5_000,
  tokenCacheSize: 10_000,
});

/** Asymmetric signature algorithms only: `none` and the HMAC family can never be configured. */
const ASYMMETRIC_ALGORITHMS = new Set(['EdDSA', 'Ed25519', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512']);
const MAX_CLOCK_TOLERANCE_SEC = 60;
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Who a valid access token speaks for. Frozen: it may be shared by every request carrying the token. */
export interface VerifiedIdentity {
  /** `sub`: the user id. */
  readonly userId: string;
  readonly roles: readonly string[];
  /** `jti`: the token id. */
  readonly tokenId: string;
  /** `exp`, in seconds since the epoch, as in the token. */
  readonly expiresAt: number;
}

interface CommonOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud`; the token must name one of these. */
  audience: string | readonly string[];
  /** Accepted `alg` values, asymmetric only. Default `['EdDSA', 'ES256']`. */
  algorithms?: readonly string[];
  /** Clock skew allowed on `exp`/`nbf`, 0..60 s. Default 5. */
  clockToleranceSec?: number;
  /** Verified tokens remembered (LRU, each until its `exp`); 0 disables. Default 10 000. */
  tokenCacheSize?: number;
  logger?: VerifierLogger;
}

/** Keys fetched from a JWKS endpoint (gateway and services). */
export interface RemoteJwksOptions extends CommonOptions {
  /** http(s) URL of the JWKS, e.g. `http://auth:3001/v1/auth/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  jwks?: never;
  /** Minimum time between two JWKS requests (unknown `kid` or refresh). Default 30 s. */
  refetchMinIntervalMs?: number;
  /** Age after which the JWKS is refreshed in the background. Default 10 min. */
  cacheMaxAgeMs?: number;
  /** Age after which a JWKS that could not be refreshed is no longer used. Default 1 h. */
  maxStaleMs?: number;
  /** Time-out of one JWKS request. Default 5 s. */
  fetchTimeoutMs?: number;
}

/** Keys held in memory (the auth service verifying its own tokens); never refetched. */
export interface LocalJwksOptions extends CommonOptions {
  /** The public JWKS. */
  jwks: JSONWebKeySet;
  jwksUrl?: never;
}

export type TokenVerifierOptions = RemoteJwksOptions | LocalJwksOptions;

export interface TokenVerifier {
  /**
   * Resolves the identity of a valid access token; rejects with a {@link TokenError} otherwise
   * (any other error is a bug or an outage, not a bad token).
   */
  verify(token: string): Promise<VerifiedIdentity>;
  /** Fetches the JWKS now unless fresh; rejects when it cannot (use it at start or for readiness). */
  warm(): Promise<void>;
  /** Aborts any JWKS request and forgets every verdict; `verify` rejects afterwards. */
  close(): void;
}

/**
 * Creates a verifier for access tokens issued by `issuer` for `audience`, keyed by `jwksUrl` (or
 * a local `jwks`). Options are checked here; a bad one throws a TypeError naming it.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const settings = checkOptions(options);
  const cache = createTokenCache<VerifiedIdentity>(settings.tokenCacheSize);
  const source = settings.jwksUrl
    ? createRemoteKeySource({ ...settings, url: settings.jwksUrl, onKeysWithdrawn: () => cache.clear() })
    : createLocalKeySource(settings.jwks);
  const getKey = requireKid(source);
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [...settings.algorithms],
    issuer: settings.issuer,
    audience: typeof settings.audience === 'string' ? settings.audience : [...settings.audience],
    clockTolerance: settings.clockToleranceSec,
    requiredClaims: ['exp', 'sub', 'jti'],
  };
  let closed = false;

  return {
    async verify(token) {
      if (closed) throw new Error('token verifier is closed');
      if (typeof token !== 'string' || token === '') throw new TokenError('token_missing', 'no token');
      const cached = cache.get(token, Date.now());
      if (cached) return cached;
      if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw new TokenError('token_invalid', 'malformed token');

      const generation = cache.generation;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, verifyOptions));
      } catch (error) {
        throw toTokenError(error);
      }
      const identity = toIdentity(payload);
      cache.set(token, identity, identity.expiresAt * 1000, generation, Date.now());
      return identity;
    },
    warm: () => source.warm(),
    close() {
      closed = true;
      cache.clear();
      source.close();
    },
  };
}

/** SPEC §3 requires a `kid`: without one, a key set in rotation would be searched key by key. */
function requireKid(source: KeySource): GetKey {
  return (protectedHeader, token) => {
    if (typeof protectedHeader.kid !== 'string' || protectedHeader.kid === '') {
      return Promise.reject(new TokenError('token_invalid', 'missing "kid" header'));
    }
    return source.getKey(protectedHeader, token);
  };
}

function toIdentity(payload: JWTPayload): VerifiedIdentity {
  const { sub, jti, exp, roles } = payload;
  if (typeof sub !== 'string' || sub === '') throw new TokenError('token_invalid', 'invalid "sub" claim');
  if (typeof jti !== 'string' || jti === '') throw new TokenError('token_invalid', 'invalid "jti" claim');
  if (typeof exp !== 'number') throw new TokenError('token_invalid', 'invalid "exp" claim');
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new TokenError('token_invalid', 'invalid "roles" claim');
  }
  return Object.freeze({ userId: sub, roles: Object.freeze([...roles] as string[]), tokenId: jti, expiresAt: exp });
}

/** Maps jose's errors to stable codes with short reasons; anything unexpected is rethrown as is. */
function toTokenError(error: unknown): unknown {
  if (error instanceof TokenError) return error;
  const { code, claim, reason } = (error ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new TokenError('token_expired', 'token expired');
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return new TokenError('token_unknown_key', 'unknown signing key');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new TokenError('token_invalid', 'algorithm not allowed');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new TokenError('token_invalid', 'bad signature');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return new TokenError('token_invalid', `${reason === 'missing' ? 'missing' : 'invalid'} "${String(claim)}" claim`);
    case 'ERR_JWKS_INVALID':
    case 'ERR_JWK_INVALID':
      // A member of our own key set cannot be used: the server's problem, not the client's.
      return new TokenError('keys_unavailable', 'signing key unusable');
    default:
      return typeof code === 'string' && code.startsWith('ERR_J') ? new TokenError('token_invalid', 'malformed token') : error;
  }
}

interface Settings {
  jwksUrl: URL | undefined;
  jwks: JSONWebKeySet;
  issuer: string;
  audience: string | readonly string[];
  algorithms: readonly string[];
  clockToleranceSec: number;
  tokenCacheSize: number;
  refetchMinIntervalMs: number;
  cacheMaxAgeMs: number;
  maxStaleMs: number;
  fetchTimeoutMs: number;
  logger: VerifierLogger | undefined;
}

type NumericOption = 'clockToleranceSec' | 'tokenCacheSize' | 'refetchMinIntervalMs' | 'cacheMaxAgeMs' | 'maxStaleMs' | 'fetchTimeoutMs';

function checkOptions(options: TokenVerifierOptions): Settings {
  const fail = (message: string): never => {
    throw new TypeError(`createTokenVerifier: ${message}`);
  };
  const remote = options as Partial<RemoteJwksOptions>;
  const local = options as Partial<LocalJwksOptions>;
  if ((remote.jwksUrl === undefined) === (local.jwks === undefined)) fail('pass exactly one of "jwksUrl" and "jwks"');

  let jwksUrl: URL | undefined;
  if (remote.jwksUrl !== undefined) {
    jwksUrl = URL.parse(String(remote.jwksUrl)) ?? fail(`"jwksUrl" is not a URL: ${String(remote.jwksUrl)}`);
    if (jwksUrl.protocol !== 'http:' && jwksUrl.protocol !== 'https:') fail('"jwksUrl" must be an http(s) URL');
  }
  if (local.jwks !== undefined && !Array.isArray(local.jwks?.keys)) fail('"jwks" must be a key set: { keys: [...] }');
  if (typeof options.issuer !== 'string' || options.issuer === '') fail('"issuer" must be a non-empty string');
  const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && a !== '')) {
    fail('"audience" must be a non-empty string or a non-empty array of them');
  }
  const algorithms = options.algorithms ?? TOKEN_VERIFIER_DEFAULTS.algorithms;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every((alg) => ASYMMETRIC_ALGORITHMS.has(alg))) {
    fail(`"algorithms" must be a non-empty subset of ${[...ASYMMETRIC_ALGORITHMS].join(', ')}`);
  }
  const integer = (name: NumericOption, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value: unknown = options[name as keyof TokenVerifierOptions] ?? TOKEN_VERIFIER_DEFAULTS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(`"${name}" must be an integer from ${min} to ${max}`);
    }
    return value as number;
  };
  const cacheMaxAgeMs = integer('cacheMaxAgeMs', 0);
  const maxStaleMs = integer('maxStaleMs', 0);
  if (maxStaleMs < cacheMaxAgeMs) fail('"maxStaleMs" must not be less than "cacheMaxAgeMs"');

  return {
    jwksUrl,
    jwks: local.jwks ?? { keys: [] },
    issuer: options.issuer,
    audience: options.audience,
    algorithms,
    clockToleranceSec: integer('clockToleranceSec', 0, MAX_CLOCK_TOLERANCE_SEC),
    tokenCacheSize: integer('tokenCacheSize', 0),
    refetchMinIntervalMs: integer('refetchMinIntervalMs', 0),
    cacheMaxAgeMs,
    maxStaleMs,
    fetchTimeoutMs: integer('fetchTimeoutMs', 1),
    logger: options.logger,
  };
}
