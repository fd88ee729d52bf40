/**
 * A service's circuit breaker: opossum's state machine decides. Closed until more than
 * `errorThresholdPercentage` of the requests in the rolling window failed (once the window holds
 * at least `volumeThreshold` of them), then open; `resetTimeoutMs` later half-open, when exactly one
 * trial request goes through: its success closes the breaker, its failure opens it again.
 *
 * Cheap on the hot path. While closed (opossum would admit anything) a request goes through at
 * once and fires opossum when its outcome is known, with that outcome already settled: opossum
 * counts it and, on a failure, decides whether to open, synchronously, with no promise of ours
 * and no microtask in between. An outcome that arrives once the breaker has left the closed state
 * belongs to the period before and is dropped (a late success must not close a half-open breaker).
 * Otherwise each request fires opossum as it arrives: refused while open, and in half-open the one
 * trial opossum lets through settles its promise when its outcome is known. Opossum's own time-out,
 * latency percentiles and snapshots are off; an empty fallback makes every fire resolve.
 */
import CircuitBreaker from 'opossum';

/** Where the breaker stands; `half-open` admits one trial request. */
export type BreakerState = 'closed' | 'half-open' | 'open';

/** When the breaker opens and how long it stays open (see the config variables BREAKER_*). */
export interface BreakerOptions {
  errorThresholdPercentage: number;
  volumeThreshold: number;
  rollingWindowMs: number;
  resetTimeoutMs: number;
}

/** A request the breaker let through; settle it once: `resolve()` counts a success, `reject()` a failure. */
export interface Admission {
  resolve(): void;
  reject(reason: Error): void;
}

/** What the breaker reports as it works. */
export interface BreakerEvents {
  stateChanged(state: BreakerState): void;
  rejected(): void;
}

/** One service's breaker. */
export interface Breaker {
  /** Lets a request through, or undefined while open (or half-open with its trial in flight). */
  admit(): Admission | undefined;
  readonly state: BreakerState;
  /** Whole seconds until the breaker will let a trial through (at least 1). */
  retryAfterSeconds(): number;
  /** Stops opossum's timers; nothing is admitted afterwards. */
  shutdown(): void;
}

function ignore(): void {}

/**
 * An outcome already known, handed to opossum where it awaits the action's promise: opossum chains
 * `then(onSuccess).catch(onFailure)` on it, and the matching callback runs at once.
 */
class SettledOutcome {
  readonly #failure: Error | undefined;

  constructor(failure?: Error) {
    this.#failure = failure;
  }

  then(onSuccess?: (value: undefined) => unknown, onFailure?: (reason: Error) => unknown): this {
    if (this.#failure === undefined) onSuccess?.(undefined);
    else onFailure?.(this.#failure);
    return this;
  }

  catch(onFailure: (reason: Error) => unknown): this {
    if (this.#failure !== undefined) onFailure(this.#failure);
    return this;
  }
}

const SUCCEEDED = new SettledOutcome();

function checkOptions(options: BreakerOptions): void {
  const positive = (name: keyof BreakerOptions) => {
    if (!Number.isInteger(options[name]) || options[name] < 1) throw new TypeError(`createBreaker: "${name}" must be a positive integer`);
  };
  positive('errorThresholdPercentage');
  positive('volumeThreshold');
  positive('rollingWindowMs');
  positive('resetTimeoutMs');
  if (options.errorThresholdPercentage > 100) throw new TypeError('createBreaker: "errorThresholdPercentage" must be at most 100');
}

/** Creates the breaker named `name` (the service). */
export function createBreaker(name: string, options: BreakerOptions, events: BreakerEvents): Breaker {
  checkOptions(options);
  let admitted = false;
  let openedAt = 0;
  const circuit = new CircuitBreaker(
    (outcome: Promise<void> | SettledOutcome) => {
      admitted = true;
      return outcome as Promise<void>;
    },
    {
      name,
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      rollingCountTimeout: options.rollingWindowMs,
      rollingCountBuckets: 10,
      resetTimeout: options.resetTimeoutMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    },
  );
  circuit.fallback(ignore);
  circuit.on('open', () => {
    openedAt = Date.now();
    events.stateChanged('open');
  });
  circuit.on('halfOpen', () => events.stateChanged('half-open'));
  circuit.on('close', () => events.stateChanged('closed'));
  circuit.on('reject', () => events.rejected());

  const whileClosed: Admission = {
    resolve() {
      if (circuit.closed) void circuit.fire(SUCCEEDED);
    },
    reject(reason) {
      if (circuit.closed) void circuit.fire(new SettledOutcome(reason));
    },
  };

  return {
    admit() {
      if (circuit.closed) return whileClosed;
      const trial = Promise.withResolvers<void>();
      admitted = false;
      const fired = circuit.fire(trial.promise);
      if (admitted) return trial;
      fired.catch(ignore);
      return undefined;
    },
    get state() {
      if (circuit.opened) return 'open';
      return circuit.halfOpen ? 'half-open' : 'closed';
    },
    retryAfterSeconds() {
      if (!circuit.opened) return 1;
      return Math.max(1, Math.ceil((openedAt + options.resetTimeoutMs - Date.now()) / 1000));
    },
    shutdown() {
      circuit.shutdown();
    },
  };
}
