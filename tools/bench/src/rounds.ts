/**
 * Interleaved rounds: every target gets a warm-up, then round after round each target runs once
 * (the order rotating by one each round, so no target always follows the same neighbour), with
 * the CPU time of its measured processes read around the run. Results are the median of rounds.
 */
import type { LoadResult } from './load.ts';
import { cpuMeter, machineMeter } from './proc-stat.ts';
import { median } from './stats.ts';

export interface Target {
  id: string;
  label: string;
  /** Runs load for that many seconds (not measured when `warmup`). */
  run(durationSeconds: number, warmup: boolean): Promise<LoadResult>;
  /** Processes whose CPU time is charged to this target, by role (e.g. proxy: the gateway's pid). */
  cpu: Readonly<Record<string, number>>;
}

export interface RoundResult {
  target: string;
  round: number;
  load: LoadResult;
  /** CPU seconds used during the run, by role. */
  cpuSeconds: Record<string, number>;
  /**
   * Average CPUs busy with anything else during the run (machine busy time minus the measured
   * processes and the load generator, over the run's duration): other work on the machine.
   */
  backgroundCores: number;
  /** CPU seconds the whole machine was busy during the run (every process, all CPUs). */
  machineCpuSeconds: number;
}

export interface TargetSummary {
  target: string;
  label: string;
  rounds: number;
  requestsPerSecond: number;
  /** Each round's req/s, in round order. */
  perRound: number[];
  p50Ms: number;
  p99Ms: number;
  /** Responses not 2xx plus connection errors, over all rounds. */
  failures: number;
  /** Median CPU µs per request, by role. */
  cpuMicrosPerRequest: Record<string, number>;
  /** The largest background load of any round, in CPUs (0 = the machine did nothing else). */
  maxBackgroundCores: number;
  /** Median CPU µs of the whole machine per request (everything that ran: load generator, servers, databases). */
  machineMicrosPerRequest: number;
}

export interface RoundsOptions {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  log: (line: string) => void;
}

/** The target order of a round: rotated by the round number. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export async function runRounds(targets: readonly Target[], options: RoundsOptions): Promise<RoundResult[]> {
  if (options.warmupSeconds > 0) {
    for (const target of targets) {
      options.log(`  warm-up ${target.label} (${options.warmupSeconds} s)`);
      await target.run(options.warmupSeconds, true);
    }
  }
  const results: RoundResult[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const target of roundOrder(targets, round)) {
      const meters = Object.entries(target.cpu).map(([role, pid]) => [role, cpuMeter(pid)] as const);
      const machine = machineMeter();
      const load = await target.run(options.durationSeconds, false);
      const cpuSeconds = Object.fromEntries(meters.map(([role, meter]) => [role, meter.lap()]));
      const measured = Object.values(cpuSeconds).reduce((a, b) => a + b, 0) + load.loadGeneratorCpuSeconds;
      const machineCpuSeconds = machine.lap();
      const backgroundCores = Math.max(0, machineCpuSeconds - measured) / load.durationSeconds;
      results.push({ target: target.id, round, load, cpuSeconds, backgroundCores, machineCpuSeconds });
      const failures = load.non2xx + load.errors;
      options.log(
        `  round ${round + 1}/${options.rounds} ${target.label}: ${load.requestsPerSecond.toFixed(0)} req/s, ` +
          `p50 ${load.latency.p50Ms.toFixed(2)} ms, p99 ${load.latency.p99Ms.toFixed(2)} ms` +
          Object.entries(cpuSeconds)
            .map(([role, s]) => `, ${role} ${((s * 1e6) / Math.max(1, load.responses)).toFixed(0)} µs/req`)
            .join('') +
          `, load generator ${((load.loadGeneratorCpuSeconds * 1e6) / Math.max(1, load.responses)).toFixed(0)} µs/req` +
          `, unmeasured ${backgroundCores.toFixed(2)} CPUs` +
          (failures > 0 ? `, ${failures} failed (${JSON.stringify(load.statusCounts)})` : ''),
      );
    }
  }
  return results;
}

/** Median over rounds of each figure of one target. */
export function summarise(target: Pick<Target, 'id' | 'label'>, results: readonly RoundResult[]): TargetSummary {
  const mine = results.filter((r) => r.target === target.id).sort((a, b) => a.round - b.round);
  const roles = [...new Set(mine.flatMap((r) => Object.keys(r.cpuSeconds)))];
  return {
    target: target.id,
    label: target.label,
    rounds: mine.length,
    requestsPerSecond: median(mine.map((r) => r.load.requestsPerSecond)),
    perRound: mine.map((r) => r.load.requestsPerSecond),
    p50Ms: median(mine.map((r) => r.load.latency.p50Ms)),
    p99Ms: median(mine.map((r) => r.load.latency.p99Ms)),
    failures: mine.reduce((n, r) => n + r.load.non2xx + r.load.errors, 0),
    cpuMicrosPerRequest: Object.fromEntries(
      roles.map((role) => [role, median(mine.map((r) => ((r.cpuSeconds[role] ?? Number.NaN) * 1e6) / r.load.responses))]),
    ),
    maxBackgroundCores: Math.max(0, ...mine.map((r) => r.backgroundCores)),
    machineMicrosPerRequest: median(mine.map((r) => (r.machineCpuSeconds * 1e6) / r.load.responses)),
  };
}
