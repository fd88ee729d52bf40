/**
 * Request authentication for services: the bearer token is verified locally from the cached JWKS
 * (SPEC §3). Identity headers from the network are never trusted.
 */
import { extractBearer, TokenError, type TokenVerifier, type VerifiedIdentity } from '@orderly/auth-verify';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    identity: VerifiedIdentity | null;
  }
}

const UNAUTHORIZED_HEADERS = { 'www-authenticate': 'Bearer' };

/** A preHandler that sets `request.identity` or answers 401. */
export function authenticate(verifier: TokenVerifier): preHandlerAsyncHookHandler {
  return async function authenticateRequest(request: FastifyRequest) {
    const token = extractBearer(request.headers.authorization);
    if (!token) throw new AppError(401, 'unauthorized', 'A bearer token is required.', UNAUTHORIZED_HEADERS);
    try {
      request.identity = await verifier.verify(token);
    } catch (error) {
      if (error instanceof TokenError && error.statusCode === 503) {
        throw new AppError(503, 'auth-keys-unavailable', 'Tokens cannot be verified right now; try again shortly.', { 'retry-after': '5' });
      }
      if (error instanceof TokenError) {
        throw new AppError(401, 'unauthorized', 'The bearer token is invalid or expired.', UNAUTHORIZED_HEADERS);
      }
      throw error;
    }
  };
}

/** A preHandler, after `authenticate`, that answers 403 unless the identity has `role`. */
export function requireRole(role: string): preHandlerAsyncHookHandler {
  return async function requireRoleHandler(request: FastifyRequest, _reply: FastifyReply) {
    if (!request.identity?.roles.includes(role)) {
      throw new AppError(403, 'forbidden', `This action requires the ${role} role.`);
    }
  };
}

/** The authenticated identity; only call after `authenticate` ran. */
export function identityOf(request: FastifyRequest): VerifiedIdentity {
  if (!request.identity) throw new AppError(401, 'unauthorized', 'A bearer token is required.', UNAUTHORIZED_HEADERS);
  return request.identity;
}
