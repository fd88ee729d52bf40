/**
 * A bounded LRU of already verified tokens, keyed by the whole token string (signature included,
 * so a tampered token can never hit). An entry is never returned at or after its expiry, and
 * `clear()` bumps a generation so that a verification that started before the key set changed
 * cannot store its result afterwards.
 */
export interface TokenCache<T> {
  /** The value stored for `token`, unless absent or expired at `nowMs`. */
  get(token: string, nowMs: number): T | undefined;
  /** Stores `value` until `expiresAtMs`, unless the cache was cleared since `generation` was read. */
  set(token: string, value: T, expiresAtMs: number, generation: number, nowMs: number): void;
  /** Drops every entry, e.g. when keys were removed from the key set. */
  clear(): void;
  readonly generation: number;
  readonly size: number;
}

interface Entry<T> {
  value: T;
  expiresAtMs: number;
}

/** Creates a cache holding at most `maxEntries` tokens; 0 disables caching. */
export function createTokenCache<T>(maxEntries: number): TokenCache<T> {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recent.
  const entries = new Map<string, Entry<T>>();
  let generation = 0;

  return {
    get(token, nowMs) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      entries.delete(token);
      if (nowMs >= entry.expiresAtMs) return undefined;
      entries.set(token, entry);
      return entry.value;
    },
    set(token, value, expiresAtMs, expectedGeneration, nowMs) {
      if (maxEntries === 0 || expectedGeneration !== generation || nowMs >= expiresAtMs) return;
      entries.delete(token);
      entries.set(token, { value, expiresAtMs });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    clear() {
      entries.clear();
      generation += 1;
    },
    get generation() {
      return generation;
    },
    get size() {
      return entries.size;
    },
  };
}
