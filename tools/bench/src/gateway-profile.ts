/**
 * Where the gateway's time goes, after the measured rounds: the gateway is started twice more,
 * each time loaded by the pass-through and the authenticated target in turn, one window each.
 *
 * 1. Under `--cpu-prof`, with the probe (gateway-probe.ts) recording GC pauses only: CPU profile
 *    per window (samples between the window's CLOCK_MONOTONIC bounds) and folded stacks.
 * 2. With the probe sampling allocations (V8's sampling heap profiler costs CPU, so never in the
 *    CPU-profiled run): bytes allocated per request, by package and below our own functions.
 *
 * The .cpuprofile and the folded stacks are kept in a directory of the system's temp dir.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchConfig } from './config.ts';
import { foldedStacks, summariseProfile, type CpuProfile, type ProfileSummary } from './cpu-profile.ts';
import { summariseAllocations, summariseGc, type AllocationSummary, type GcSummary, type HeapProfileNode } from './heap-profile.ts';
import type { StartedProcess } from './processes.ts';
import type { Target } from './rounds.ts';

export interface ProfiledTarget {
  id: string;
  label: string;
  /** Responses during the CPU-profiled window, and their p99 latency (profiling included). */
  requests: number;
  p99Ms: number;
  summary: ProfileSummary;
  /** Folded stacks of the window, for flame graphs. */
  folded: string;
  /** Garbage-collection pauses in the CPU-profiled window. */
  gc: GcSummary | undefined;
  /** Event-loop delay in the CPU-profiled window (monitorEventLoopDelay, 1 ms resolution). */
  eventLoop: EventLoopDelay | undefined;
  /** Bytes allocated per request in the allocation window. */
  allocatedBytesPerRequest: number | undefined;
  /** Bytes allocated in the allocation window, by where (divide by `allocationRequests`). */
  allocations: AllocationSummary | undefined;
  allocationRequests: number;
}

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface GatewayProfile {
  /** The targets loaded as fast as they answer. */
  targets: ProfiledTarget[];
  /** The pass-through target at the fixed rate: where its p99 comes from. */
  fixedRate: ProfiledTarget | undefined;
  /** The whole CPU profile, kept after the run. */
  cpuprofile: string;
}

export interface ProfileGatewayOptions {
  config: BenchConfig;
  /** Starts the gateway with these extra Node arguments. */
  startGateway(nodeArgs: string[]): Promise<StartedProcess>;
  /** The targets to profile, aimed at the gateway with that pid. */
  targets(gatewayPid: number): Target[];
  /** The fixed-rate target, profiled last. */
  fixedRate(gatewayPid: number): Target;
  log(line: string): void;
}

interface ProbeWindow {
  gc: Array<{ kind: string; ms: number }>;
  eventLoop: EventLoopDelay;
  allocations: { head: HeapProfileNode } | null;
}

interface Window {
  target: Target;
  fromUs: number;
  toUs: number;
  requests: number;
  p99Ms: number;
  probe: ProbeWindow | undefined;
}

const PROBE = new URL('./gateway-probe.ts', import.meta.url);

/** CLOCK_MONOTONIC in µs: the clock of .cpuprofile timestamps, in every process of the machine. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

function probeArgument(dir: string, allocations: boolean): string {
  const url = new URL(PROBE);
  url.searchParams.set('dir', dir);
  url.searchParams.set('allocations', allocations ? '1' : '0');
  return `--import=${url.href}`;
}

/** Waits for the probe's file of window `n` (written when the window's second SIGURG arrives). */
async function probeWindow(dir: string, n: number): Promise<ProbeWindow | undefined> {
  const file = path.join(dir, `window-${n}.json`);
  for (let i = 0; i < 100; i++) {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as ProbeWindow;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return undefined;
}

/** Starts the gateway, warms each target, then loads each for one window between two SIGURGs. */
async function windows(o: ProfileGatewayOptions, nodeArgs: string[], probeDir: string): Promise<Window[]> {
  await mkdir(probeDir, { recursive: true });
  const gateway = await o.startGateway(nodeArgs);
  try {
    const targets = [...o.targets(gateway.pid), o.fixedRate(gateway.pid)];
    for (const target of targets) await target.run(Math.min(3, o.config.BENCH_DURATION), true);
    const out: Window[] = [];
    for (const [index, target] of targets.entries()) {
      process.kill(gateway.pid, 'SIGURG');
      const fromUs = monotonicMicros();
      const load = await target.run(o.config.BENCH_DURATION, false);
      const toUs = monotonicMicros();
      process.kill(gateway.pid, 'SIGURG');
      const probe = await probeWindow(probeDir, index + 1);
      if (probe === undefined) o.log(`gateway bench: the probe wrote no window-${index + 1}.json`);
      out.push({ target, fromUs, toUs, requests: load.responses, p99Ms: load.latency.p99Ms, probe });
    }
    return out;
  } finally {
    await gateway.stop();
  }
}

export async function profileGateway(o: ProfileGatewayOptions): Promise<GatewayProfile | undefined> {
  const work = await mkdtemp(path.join(tmpdir(), 'orderly-bench-profiling-'));
  try {
    o.log(`gateway bench: CPU profile, ${o.config.BENCH_DURATION} s per target under --cpu-prof`);
    const cpuDir = path.join(work, 'cpu');
    const cpuWindows = await windows(o, ['--cpu-prof', `--cpu-prof-dir=${cpuDir}`, probeArgument(path.join(work, 'gc'), false)], path.join(work, 'gc'));
    o.log(`gateway bench: allocation profile, ${o.config.BENCH_DURATION} s per target`);
    const allocationWindows = await windows(o, [probeArgument(path.join(work, 'alloc'), true)], path.join(work, 'alloc'));

    const file = (await readdir(cpuDir)).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) {
      o.log('gateway bench: the gateway wrote no .cpuprofile (did it exit cleanly on SIGTERM?)');
      return undefined;
    }
    const raw = JSON.parse(await readFile(path.join(cpuDir, file), 'utf8')) as CpuProfile;
    const keep = path.join(tmpdir(), `orderly-bench-profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await mkdir(keep, { recursive: true });
    await copyFile(path.join(cpuDir, file), path.join(keep, 'gateway.cpuprofile'));
    const targets: ProfiledTarget[] = [];
    for (const [i, w] of cpuWindows.entries()) {
      const window = { fromUs: w.fromUs, toUs: w.toUs };
      const folded = path.join(keep, `${w.target.id}.folded`);
      await writeFile(folded, foldedStacks(raw, o.config.targetRoot, window));
      const a = allocationWindows[i];
      const allocations = a?.probe?.allocations ? summariseAllocations(a.probe.allocations.head, o.config.targetRoot) : undefined;
      targets.push({
        id: w.target.id,
        label: w.target.label,
        requests: w.requests,
        p99Ms: w.p99Ms,
        summary: summariseProfile(raw, o.config.targetRoot, window),
        folded,
        gc: w.probe ? summariseGc(w.probe.gc) : undefined,
        eventLoop: w.probe?.eventLoop,
        allocatedBytesPerRequest: allocations && a ? allocations.totalBytes / Math.max(1, a.requests) : undefined,
        allocations,
        allocationRequests: a?.requests ?? 0,
      });
    }
    o.log(`gateway bench: profile kept in ${keep} (gateway.cpuprofile for Chrome DevTools or speedscope, *.folded for flamegraph.pl)`);
    const fixedRate = targets.pop();
    return { targets, fixedRate, cpuprofile: path.join(keep, 'gateway.cpuprofile') };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
