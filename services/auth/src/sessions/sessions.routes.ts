import type { App } from '@orderly/service-kit';
import type { AuthDeps } from '../deps.ts';
import { login, logout, refreshSession } from './sessions.ts';
import { LoginBody, RefreshBody, TokenPairSchema } from './sessions.schemas.ts';

export function sessionsRoutes(app: App, deps: AuthDeps): void {
  const noStore = (reply: { header: (k: string, v: string) => unknown }) => reply.header('cache-control', 'no-store');

  app.post(
    '/v1/auth/login',
    { schema: { tags: ['auth'], summary: 'Sign in', body: LoginBody, response: { 200: TokenPairSchema } } },
    async (request, reply) => {
      noStore(reply);
      return login(request.body.email, request.body.password, deps);
    },
  );

  app.post(
    '/v1/auth/refresh',
    { schema: { tags: ['auth'], summary: 'Exchange a refresh token for new tokens', body: RefreshBody, response: { 200: TokenPairSchema } } },
    async (request, reply) => {
      noStore(reply);
      return refreshSession(request.body.refreshToken, deps);
    },
  );

  app.post(
    '/v1/auth/logout',
    { schema: { tags: ['auth'], summary: "Revoke a refresh token's family", body: RefreshBody, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      await logout(request.body.refreshToken, deps);
      return reply.code(204).send();
    },
  );
}
