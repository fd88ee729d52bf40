import type { AuthDeps } from '../deps.ts';
import { registerUser } from './register-user.ts';
import { findUserByEmail, updateUserRoles } from './users.repository.ts';

/** Makes sure the configured admin exists and has the admin role; never changes its password. */
export async function seedAdmin(email: string, password: string, deps: AuthDeps): Promise<void> {
  const existing = await findUserByEmail(deps.pool, email);
  if (!existing) {
    await registerUser({ email, password, name: 'Administrator', roles: ['customer', 'admin'] }, deps).catch(
      (error: { code?: string }) => {
        if (error.code !== 'email-taken') throw error; // another replica seeded it first
      },
    );
    return;
  }
  if (!existing.roles.includes('admin')) await updateUserRoles(deps.pool, existing.id, [...existing.roles, 'admin']);
}
