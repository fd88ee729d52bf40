/** Exponential backoff with jitter, and sleeps that a stop or a wake-up can cut short. */

export interface BackoffOptions {
  /** First delay in ms (default 200). */
  initialMs?: number;
  /** Largest delay in ms (default 10 000). */
  maxMs?: number;
}

export interface Backoff {
  /** The next delay: doubles each call up to `maxMs`, with ±25 % jitter so instances spread out. */
  next(): number;
  reset(): void;
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 200;
  const maxMs = Math.max(initialMs, options.maxMs ?? 10_000);
  let attempt = 0;
  return {
    next() {
      const base = Math.min(maxMs, initialMs * 2 ** attempt);
      attempt = Math.min(attempt + 1, 30);
      return Math.min(maxMs, Math.round(base * (0.75 + Math.random() * 0.5)));
    },
    reset() {
      attempt = 0;
    },
  };
}

/** A sleep that `wake()` ends early; used for polling intervals, backoff and shutdown. */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
  wake(): void;
}

export function createSleeper(): Sleeper {
  let pending: (() => void) | undefined;
  let woken = false;
  return {
    sleep(ms) {
      if (woken) {
        woken = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          pending = undefined;
          resolve();
        }
        pending = done;
      });
    },
    wake() {
      if (pending) pending();
      else woken = true;
    },
  };
}

/** Rejects with `message` when `promise` does not settle within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
