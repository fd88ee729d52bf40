import type { LoadResult } from './load.ts';
import { roundOrder, summarise, type RoundResult } from './rounds.ts';

const load = (rps: number, p50: number, p99: number, responses = 1000): LoadResult => ({
  responses,
  non2xx: 0,
  errors: 0,
  durationSeconds: 1,
  requestsPerSecond: rps,
  latency: { count: responses, meanMs: p50, p50Ms: p50, p90Ms: p99, p99Ms: p99, maxMs: p99 },
  statusCounts: { 200: responses },
  loadGeneratorCpuSeconds: 0.05,
});

describe('roundOrder', () => {
  it('when rounds go by, then the order of targets rotates by one each round', () => {
    expect(roundOrder(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
    expect(roundOrder([], 2)).toEqual([]);
  });
});

describe('summarise', () => {
  it('when a target ran three rounds, then each figure is the median of its rounds and CPU is per request', () => {
    const results: RoundResult[] = [
      { target: 'gw', round: 0, load: load(900, 3, 9), cpuSeconds: { proxy: 0.2 }, backgroundCores: 0.1, machineCpuSeconds: 1 },
      { target: 'gw', round: 1, load: load(1100, 1, 5), cpuSeconds: { proxy: 0.1 }, backgroundCores: 0.5, machineCpuSeconds: 2 },
      { target: 'gw', round: 2, load: load(1000, 2, 7), cpuSeconds: { proxy: 0.15 }, backgroundCores: 0, machineCpuSeconds: 1.5 },
      { target: 'other', round: 0, load: load(5, 5, 5), cpuSeconds: {}, backgroundCores: 3, machineCpuSeconds: 9 },
    ];
    expect(summarise({ id: 'gw', label: 'gateway' }, results)).toEqual({
      target: 'gw',
      label: 'gateway',
      rounds: 3,
      requestsPerSecond: 1000,
      perRound: [900, 1100, 1000],
      p50Ms: 2,
      p99Ms: 7,
      failures: 0,
      cpuMicrosPerRequest: { proxy: 150 },
      maxBackgroundCores: 0.5,
      machineMicrosPerRequest: 1500,
    });
  });
});
