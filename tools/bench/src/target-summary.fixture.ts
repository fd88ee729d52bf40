/** A round summary for report tests: only what a test names differs from a plain passing target. */
import type { TargetSummary } from './rounds.ts';

export const summary = (target: string, requestsPerSecond: number, cpu: Record<string, number> = {}, p99Ms = 5): TargetSummary => ({
  target,
  label: target,
  rounds: 3,
  requestsPerSecond,
  perRound: [requestsPerSecond],
  p50Ms: 1,
  p99Ms,
  failures: 0,
  cpuMicrosPerRequest: cpu,
  maxBackgroundCores: 0,
  machineMicrosPerRequest: 500,
});
