import { setTimeout as sleep } from 'node:timers/promises';
import { createBreaker, type Breaker, type BreakerOptions, type BreakerState } from './breaker.ts';

const OPTIONS: BreakerOptions = { errorThresholdPercentage: 50, volumeThreshold: 4, rollingWindowMs: 10_000, resetTimeoutMs: 100 };
let breaker: Breaker;
let states: BreakerState[];
let rejected: number;

function setUp(options: Partial<BreakerOptions> = {}): void {
  states = [];
  rejected = 0;
  breaker = createBreaker('orders', { ...OPTIONS, ...options }, { stateChanged: (state) => states.push(state), rejected: () => (rejected += 1) });
}

/** Lets a request through and settles it; opossum counts outcomes a microtask later. */
async function exchange(outcome: 'success' | 'failure'): Promise<void> {
  const admission = breaker.admit();
  if (admission === undefined) throw new Error('not admitted');
  if (outcome === 'success') admission.resolve();
  else admission.reject(new Error('upstream failed'));
  await sleep(0);
}

beforeEach(() => setUp());
afterEach(() => breaker.shutdown());

describe('createBreaker', () => {
  it('when more than the threshold of enough requests failed, then it opens and admits nothing', async () => {
    await exchange('success');
    await exchange('failure');
    await exchange('failure');
    expect(breaker.state).toBe('closed');

    await exchange('failure');

    expect(breaker.state).toBe('open');
    expect(states).toEqual(['open']);
    expect(breaker.admit()).toBeUndefined();
    expect(rejected).toBe(1);
  });

  it('when fewer requests than the minimum volume failed, then it stays closed', async () => {
    for (let i = 0; i < 3; i += 1) await exchange('failure');

    expect(breaker.state).toBe('closed');
    expect(breaker.admit()).toBeDefined();
  });

  it('when half the requests failed, then it stays closed (it opens above the threshold)', async () => {
    for (const outcome of ['failure', 'success', 'failure', 'success'] as const) await exchange(outcome);

    expect(breaker.state).toBe('closed');
  });

  it('when the reset time-out passed, then exactly one trial is admitted, and its success closes the breaker', async () => {
    for (let i = 0; i < 4; i += 1) await exchange('failure');
    await sleep(150);
    expect(breaker.state).toBe('half-open');

    const trial = breaker.admit();
    expect(trial).toBeDefined();
    expect(breaker.admit()).toBeUndefined();
    trial!.resolve();
    await sleep(0);

    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('when the trial fails, then the breaker opens again', async () => {
    for (let i = 0; i < 4; i += 1) await exchange('failure');
    await sleep(150);

    await exchange('failure');

    expect(breaker.state).toBe('open');
    expect(states).toEqual(['open', 'half-open', 'open']);
  });

  it('when a request let through while closed ends after the breaker opened, then its outcome is not counted', async () => {
    const late = breaker.admit()!;
    for (let i = 0; i < 4; i += 1) await exchange('failure');
    await sleep(150);
    expect(breaker.state).toBe('half-open');

    late.resolve();
    await sleep(0);

    expect(breaker.state).toBe('half-open');
    expect(breaker.admit()).toBeDefined();
  });

  it('when open, then Retry-After counts the whole seconds until half-open', async () => {
    setUp({ resetTimeoutMs: 2_500 });
    for (let i = 0; i < 4; i += 1) await exchange('failure');

    expect(breaker.retryAfterSeconds()).toBe(3);
  });

  it('when shut down, then nothing is admitted and nothing rejects unhandled', async () => {
    breaker.shutdown();

    expect(breaker.admit()).toBeUndefined();
    await sleep(0);
  });

  it('when an option is out of range, then the breaker is refused', () => {
    expect(() => createBreaker('orders', { ...OPTIONS, errorThresholdPercentage: 101 }, { stateChanged() {}, rejected() {} })).toThrow(/at most 100/);
    expect(() => createBreaker('orders', { ...OPTIONS, resetTimeoutMs: 0 }, { stateChanged() {}, rejected() {} })).toThrow(/resetTimeoutMs/);
  });
});
