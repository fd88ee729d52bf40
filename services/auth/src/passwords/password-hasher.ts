/**
 * Password hashing with argon2id at OWASP's parameters (19 MiB, 2 iterations, 1 lane). Hashes run on
 * libuv's thread pool; a semaphore bounds how many run at once and how many may wait, so a login
 * flood gets fast 503s instead of starving the event loop and every other request.
 */
import argon2 from 'argon2';
import { AppError } from '@orderly/service-kit';

const OWASP_ARGON2ID = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the time of a verification without a user, so unknown e-mails answer as slowly. */
  verifyDummy(password: string): Promise<false>;
}

export function createPasswordHasher(options: { concurrency: number; queueLimit: number }): PasswordHasher {
  let running = 0;
  const waiting: Array<() => void> = [];

  async function acquire(): Promise<void> {
    if (running < options.concurrency) {
      running += 1;
      return;
    }
    if (waiting.length >= options.queueLimit) {
      throw new AppError(503, 'overloaded', 'Too many sign-ins at once; try again shortly.', { 'retry-after': '1' });
    }
    await new Promise<void>((resolve) => waiting.push(resolve)); // the releaser hands its slot over
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }

  async function limited<T>(work: () => Promise<T>): Promise<T> {
    await acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  const dummyHash = argon2.hash('orderly-dummy-password', OWASP_ARGON2ID);

  return {
    hash: (password) => limited(() => argon2.hash(password, OWASP_ARGON2ID)),
    verify: (hash, password) => limited(() => argon2.verify(hash, password)),
    async verifyDummy(password) {
      const hash = await dummyHash;
      await limited(() => argon2.verify(hash, password));
      return false;
    },
  };
}
