import { AppError } from '@orderly/service-kit';
import { createPasswordHasher } from './password-hasher.ts';

describe('createPasswordHasher', () => {
  it('when a password is hashed, then only that password verifies', async () => {
    const hasher = createPasswordHasher({ concurrency: 2, queueLimit: 10 });
    const hash = await hasher.hash('correct horse battery');
    await expect(hasher.verify(hash, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'wrong horse battery')).resolves.toBe(false);
    await expect(hasher.verifyDummy('anything at all')).resolves.toBe(false);
  });

  it('when more hashes are asked than run and wait, then the excess is refused with 503 and the rest complete', async () => {
    const hasher = createPasswordHasher({ concurrency: 1, queueLimit: 2 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => hasher.hash(`password-${i}-long`)));
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(3);
    expect(rejected).toHaveLength(3);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect(r.reason).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    }
  });

  it('when the queue drains, then new work is accepted again', async () => {
    const hasher = createPasswordHasher({ concurrency: 1, queueLimit: 0 });
    await hasher.hash('first password');
    await expect(hasher.hash('second password')).resolves.toMatch(/^\$argon2id\$/);
  });
});
