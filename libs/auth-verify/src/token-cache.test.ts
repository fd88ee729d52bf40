import { createTokenCache } from './token-cache.ts';

describe('createTokenCache', () => {
  const now = 1_000_000;

  it('when a token is stored, then it is returned until just before its expiry and never at or after it', () => {
    const cache = createTokenCache<string>(10);
    cache.set('t', 'identity', now + 100, cache.generation, now);

    expect(cache.get('t', now + 99)).toBe('identity');
    expect(cache.get('t', now + 100)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('when the cache is full, then the least recently used token is evicted', () => {
    const cache = createTokenCache<string>(2);
    cache.set('a', 'A', now + 100, 0, now);
    cache.set('b', 'B', now + 100, 0, now);
    cache.get('a', now);

    cache.set('c', 'C', now + 100, 0, now);

    expect(cache.get('b', now)).toBeUndefined();
    expect(cache.get('a', now)).toBe('A');
    expect(cache.get('c', now)).toBe('C');
    expect(cache.size).toBe(2);
  });

  it('when the cache was cleared after a verification started, then that verification cannot store its result', () => {
    const cache = createTokenCache<string>(10);
    const generation = cache.generation;
    cache.clear();

    cache.set('t', 'stale verdict', now + 100, generation, now);

    expect(cache.get('t', now)).toBeUndefined();
  });

  it('when a token is already expired or the size is 0, then nothing is stored', () => {
    const cache = createTokenCache<string>(10);
    const disabled = createTokenCache<string>(0);

    cache.set('t', 'x', now, 0, now);
    disabled.set('t', 'x', now + 100, 0, now);

    expect(cache.size + disabled.size).toBe(0);
  });
});
