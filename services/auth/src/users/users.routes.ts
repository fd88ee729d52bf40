import { authenticate, AppError, identityOf, requireRole, type App } from '@orderly/service-kit';
import type { AuthDeps } from '../deps.ts';
import { registerUser } from './register-user.ts';
import { setUserRoles } from './set-user-roles.ts';
import { findUserById } from './users.repository.ts';
import { RegisterBody, SetRolesBody, UserIdParams, UserSchema } from './users.schemas.ts';

export function usersRoutes(app: App, deps: AuthDeps): void {
  const bearer = { security: [{ bearer: [] }] };

  app.post(
    '/v1/auth/register',
    { schema: { tags: ['auth'], summary: 'Create an account', body: RegisterBody, response: { 201: UserSchema } } },
    async (request, reply) => reply.code(201).send(await registerUser(request.body, deps, request.id)),
  );

  app.get(
    '/v1/auth/me',
    { preHandler: authenticate(deps.verifier), schema: { tags: ['auth'], summary: 'The signed-in user', ...bearer, response: { 200: UserSchema } } },
    async (request) => {
      const user = await findUserById(deps.pool, identityOf(request).userId);
      if (!user) throw new AppError(401, 'unauthorized', 'The account no longer exists.');
      return user;
    },
  );

  app.put(
    '/v1/auth/users/:id/roles',
    {
      preHandler: [authenticate(deps.verifier), requireRole('admin')],
      schema: { tags: ['auth'], summary: "Set a user's roles (admin)", ...bearer, params: UserIdParams, body: SetRolesBody, response: { 200: UserSchema } },
    },
    async (request) => setUserRoles(request.params.id, request.body.roles, deps),
  );
}
