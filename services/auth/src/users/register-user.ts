import { EventTypes } from '@orderly/contracts';
import { buildEvent, enqueueEvent } from '@orderly/messaging';
import { uuidv7, withTransaction } from '@orderly/postgres';
import { AppError } from '@orderly/service-kit';
import type { AuthDeps } from '../deps.ts';
import { insertUser, type Role, type User } from './users.repository.ts';

export interface RegisterInput {
  email: string;
  password: string;
  name?: string | undefined;
  roles?: Role[];
}

/** Creates the user and enqueues `user.registered` in the same transaction. */
export async function registerUser(input: RegisterInput, deps: AuthDeps, correlationId?: string): Promise<User> {
  const passwordHash = await deps.passwords.hash(input.password);
  return withTransaction(deps.pool, async (tx) => {
    const user = await insertUser(tx, {
      id: uuidv7(),
      email: input.email.trim(),
      name: input.name ?? null,
      passwordHash,
      roles: input.roles ?? ['customer'],
    });
    if (!user) throw new AppError(409, 'email-taken', 'An account with this e-mail already exists.');
    const event = buildEvent({
      type: EventTypes.userRegistered,
      source: '/auth',
      subject: user.id,
      data: { userId: user.id, email: user.email, name: user.name },
      correlationId,
    });
    await enqueueEvent(tx, event);
    return user;
  });
}
