import type { App } from '@orderly/service-kit';
import type { AuthDeps } from '../deps.ts';

export function keysRoutes(app: App, deps: AuthDeps): void {
  app.get(
    '/v1/auth/.well-known/jwks.json',
    { schema: { tags: ['auth'], summary: 'Public keys that verify access tokens (JWKS)' } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(deps.keys.jwks),
  );
}
