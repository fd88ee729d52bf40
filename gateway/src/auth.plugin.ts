/**
 * Edge authentication (SPEC §6): every route registered in the same scope as this plugin requires
 * a valid bearer token, except the public ones, and answers before any upstream is touched. The
 * token itself is forwarded untouched; services verify it again and never trust the gateway.
 *
 * While the signing keys cannot be loaded (auth unreachable at start, or the cached key set too
 * stale), a well-formed token can be neither accepted nor rejected: that is a 503 with Retry-After,
 * not a 401, so clients retry instead of throwing away a good token.
 */
import { extractBearer, TokenError, type TokenVerifier } from '@orderly/auth-verify';
import { AppError } from '@orderly/service-kit';
import type { FastifyInstance, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';

/** Proxied endpoints anyone may call: exact path → methods. Anything else needs a token. */
export const PUBLIC_ROUTES: ReadonlyMap<string, readonly string[]> = new Map([
  ['/v1/auth/register', ['POST']],
  ['/v1/auth/login', ['POST']],
  ['/v1/auth/refresh', ['POST']],
  ['/v1/auth/logout', ['POST']],
  ['/v1/auth/.well-known/jwks.json', ['GET', 'HEAD']],
]);

/** Retry-After of the 503 answered while signing keys cannot be loaded (refetches run every second). */
export const KEYS_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** Options of the edge authentication plugin. */
export interface EdgeAuthOptions {
  verifier: TokenVerifier;
  publicRoutes?: ReadonlyMap<string, readonly string[]>;
}

const MISSING_TOKEN_HEADERS = { 'www-authenticate': 'Bearer' };
const INVALID_TOKEN_HEADERS = { 'www-authenticate': 'Bearer error="invalid_token"' };
const KEYS_UNAVAILABLE_HEADERS = { 'retry-after': String(KEYS_UNAVAILABLE_RETRY_AFTER_SECONDS) };

function isPublic(routes: ReadonlyMap<string, readonly string[]>, method: string, url: string): boolean {
  const query = url.indexOf('?');
  const methods = routes.get(query === -1 ? url : url.slice(0, query));
  return methods !== undefined && methods.includes(method);
}

function rejection(error: unknown): Error {
  if (!(error instanceof TokenError)) return error instanceof Error ? error : new Error(String(error));
  if (error.code === 'keys_unavailable') {
    return new AppError(503, 'auth-unavailable', 'Access tokens cannot be verified right now; try again shortly.', KEYS_UNAVAILABLE_HEADERS);
  }
  return new AppError(401, 'unauthorized', 'The bearer token is invalid or expired.', INVALID_TOKEN_HEADERS);
}

async function edgeAuthPlugin(app: FastifyInstance, options: EdgeAuthOptions): Promise<void> {
  const { verifier } = options;
  if (typeof verifier?.verify !== 'function') throw new TypeError('edgeAuthPlugin: "verifier" must be a token verifier');
  const publicRoutes = options.publicRoutes ?? PUBLIC_ROUTES;
  if (!app.hasRequestDecorator('identity')) app.decorateRequest('identity', null);

  app.addHook('onRequest', function authenticateAtEdge(request: FastifyRequest, _reply, done: HookHandlerDoneFunction) {
    if (isPublic(publicRoutes, request.method, request.url)) {
      done();
      return;
    }
    const token = extractBearer(request.headers.authorization);
    if (token === undefined) {
      done(new AppError(401, 'unauthorized', 'A bearer token is required.', MISSING_TOKEN_HEADERS));
      return;
    }
    verifier.verify(token).then(
      (identity) => {
        request.identity = identity;
        done();
      },
      (error: unknown) => done(rejection(error)),
    );
  });
}

/** Verifies bearer tokens on every non-public route of the scope it is registered in. */
export default fp(edgeAuthPlugin, { fastify: '5.x', name: 'orderly-edge-auth' });
