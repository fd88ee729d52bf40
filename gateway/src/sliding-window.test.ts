import { testInfra, uniqueTestName } from '@orderly/testing';
import { Redis } from 'ioredis';
import { createLocalWindows, createRedisWindows } from './sliding-window.ts';

describe('local windows', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('when requests arrive faster than the budget, then max are admitted and the reset is when the oldest leaves', () => {
    const windows = createLocalWindows(10, clock);

    const verdicts = [0, 100, 200].map((offset) => ((now = 1_000 + offset), windows.hit('k', 1_000, 2)));

    expect(verdicts).toEqual([
      { admitted: true, count: 1, resetMs: 1_000 },
      { admitted: true, count: 2, resetMs: 900 },
      { admitted: false, count: 3, resetMs: 800 },
    ]);
  });

  it('when the budget was spent at the end of an interval, then none fits at the start of the next, but as each one ages out', () => {
    const windows = createLocalWindows(10, clock);
    now = 1_800;
    windows.hit('k', 1_000, 2);
    now = 1_900;
    windows.hit('k', 1_000, 2);

    now = 2_100;
    expect(windows.hit('k', 1_000, 2).admitted).toBe(false);
    now = 2_800;
    expect(windows.hit('k', 1_000, 2).admitted).toBe(true);
    expect(windows.hit('k', 1_000, 2).admitted).toBe(false);
  });

  it('when more keys are seen than it may hold, then the least recently used are forgotten', () => {
    const windows = createLocalWindows(2, clock);

    windows.hit('a', 1_000, 1);
    windows.hit('b', 1_000, 1);
    windows.hit('a', 1_000, 1);
    windows.hit('c', 1_000, 1);

    expect(windows.size).toBe(2);
    expect(windows.hit('a', 1_000, 1).admitted).toBe(false);
    expect(windows.hit('b', 1_000, 1).admitted).toBe(true);
  });
});

describe('Redis windows', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis((await testInfra()).redisUrl, { keyPrefix: `${uniqueTestName('sliding_window_test')}:` });
  });
  afterAll(() => redis.quit());

  it('when many checks of one key race, then exactly max are admitted and the rest see a count above max', async () => {
    const hit = createRedisWindows(redis);

    const verdicts = await Promise.all(Array.from({ length: 25 }, () => hit('race', 60_000, 10)));

    expect(verdicts.filter((verdict) => verdict.admitted)).toHaveLength(10);
    expect(verdicts.filter((verdict) => !verdict.admitted).every((verdict) => verdict.count === 11)).toBe(true);
    expect(Math.max(...verdicts.map((verdict) => verdict.resetMs))).toBeLessThanOrEqual(60_000);
  });

  it('when two checkers share Redis, then they share the window, and the key expires with it', async () => {
    const [first, second] = [createRedisWindows(redis), createRedisWindows(redis)];

    expect(await first('shared', 500, 2)).toMatchObject({ admitted: true, count: 1, resetMs: 500 });
    expect(await second('shared', 500, 2)).toMatchObject({ admitted: true, count: 2 });
    expect(await first('shared', 500, 2)).toMatchObject({ admitted: false, count: 3 });
    expect(await redis.pttl('shared')).toBeLessThanOrEqual(500);

    await new Promise((resolve) => setTimeout(resolve, 550));
    expect(await redis.exists('shared')).toBe(0);
    expect(await second('shared', 500, 2)).toMatchObject({ admitted: true, count: 1 });
  });
});
