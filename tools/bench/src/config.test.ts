import { ConfigError } from '@orderly/config';
import { flagsToEnv, loadBenchConfig, parseScenarios } from './config.ts';

describe('loadBenchConfig', () => {
  it('when nothing is set, then the defaults are 32 connections, 3 rounds of 10 s after 3 s of warm-up, both scenarios', () => {
    const config = loadBenchConfig({ repoRoot: '/repo', env: { PATH: '/bin' } });
    expect(config).toMatchObject({
      BENCH_CONNECTIONS: 32,
      BENCH_ROUNDS: 3,
      BENCH_DURATION: 10,
      BENCH_WARMUP: 3,
      BENCH_FIXED_RATE: 1000,
      BENCH_PIN: true,
      scenarios: ['gateway', 'orders'],
      outputPath: '/repo/docs/benchmarks.md',
      targetRoot: '/repo',
      baseEnv: { PATH: '/bin' },
    });
  });

  it('when flags and variables are both given, then the flags win', () => {
    const config = loadBenchConfig({
      repoRoot: '/repo',
      env: { BENCH_DURATION: '20', BENCH_ROUNDS: '5' },
      args: ['--duration', '4', '--scenarios', 'orders', '--orderly-root', '../other'],
    });
    expect(config).toMatchObject({ BENCH_DURATION: 4, BENCH_ROUNDS: 5, scenarios: ['orders'], targetRoot: '/other' });
  });

  it('when a value is invalid, then a ConfigError names it', () => {
    expect(() => loadBenchConfig({ repoRoot: '/repo', env: { BENCH_CONNECTIONS: '0' } })).toThrow(/BENCH_CONNECTIONS/);
  });
});

describe('flagsToEnv and parseScenarios', () => {
  it('when an unknown flag is given, then it throws', () => {
    expect(() => flagsToEnv(['--speed', 'fast'])).toThrow();
  });

  it('when scenarios are listed in any order, then they run in the fixed order; unknown ones are refused', () => {
    expect(parseScenarios('orders, gateway')).toEqual(['gateway', 'orders']);
    expect(() => parseScenarios('gateway,nope')).toThrow(ConfigError);
  });
});
