import { AppError } from '@orderly/service-kit';
import type { AuthDeps } from '../deps.ts';
import { updateUserRoles, type Role, type User } from './users.repository.ts';

export async function setUserRoles(userId: string, roles: Role[], deps: AuthDeps): Promise<User> {
  const user = await updateUserRoles(deps.pool, userId, roles);
  if (!user) throw new AppError(404, 'user-not-found', 'No such user.');
  return user;
}
