/** The gateway scenario's sections of docs/benchmarks.md: targets, throughput and fixed-rate tables, the profile. */
import type { BenchConfig } from './config.ts';
import type { ProfileSummary, TimeEntry } from './cpu-profile.ts';
import type { GatewayBenchResult } from './gateway-bench.ts';
import type { GatewayProfile } from './gateway-profile.ts';
import type { ByteEntry, GcSummary } from './heap-profile.ts';
import { formatMs, formatNumber, formatRatio, renderTable, type Column } from './markdown.ts';
import { formatInstant, micros, perRound, R, renderGoals, secondsPer1k, type Goal } from './report-format.ts';

export function gatewayGoals(result: GatewayBenchResult): Goal[] {
  const by = (id: string) => result.throughput.find((s) => s.target === id)!;
  const gateway = by('gateway');
  const auth = by('gateway-auth');
  const nginxRatio = gateway.requestsPerSecond / by('nginx').requestsPerSecond;
  const fastRatio = gateway.requestsPerSecond / by('fast-gateway').requestsPerSecond;
  const cpu = gateway.cpuMicrosPerRequest.proxy ?? Number.NaN;
  const authRatio = auth.requestsPerSecond / gateway.requestsPerSecond;
  const added = result.fixedRate.addedP99Ms;
  return [
    { goal: 'gateway pass-through ≥ 0.45× tuned nginx (req/s)', reached: formatRatio(nginxRatio), pass: nginxRatio >= 0.45 },
    { goal: 'gateway pass-through ≥ 1.25× fast-gateway (req/s)', reached: formatRatio(fastRatio), pass: fastRatio >= 1.25 },
    {
      goal: 'gateway CPU ≤ 180 µs per proxied request',
      reached: `${micros(cpu)} µs (authenticated GET: ${micros(auth.cpuMicrosPerRequest.proxy)} µs)`,
      pass: cpu <= 180,
    },
    { goal: 'authenticated GET ≥ 0.8× pass-through (req/s)', reached: formatRatio(authRatio), pass: authRatio >= 0.8 },
    {
      goal: `p99 added by the gateway < 1 ms at ${formatNumber(result.fixedRate.rate)} req/s`,
      reached: `${formatMs(added)} (authenticated GET: ${formatMs(result.fixedRate.addedP99AuthMs)})`,
      pass: added < 1,
    },
  ];
}

export function renderGatewayResults(result: GatewayBenchResult, config: BenchConfig, date: Date): string {
  const throughputRows = result.throughput.map((s) => [
    s.label,
    formatNumber(s.requestsPerSecond),
    perRound(s),
    formatMs(s.p50Ms),
    formatMs(s.p99Ms),
    micros(s.cpuMicrosPerRequest.proxy),
    secondsPer1k(s.cpuMicrosPerRequest.proxy),
    micros(s.cpuMicrosPerRequest.origin),
    micros(s.cpuMicrosPerRequest.redis),
    s.maxBackgroundCores.toFixed(2),
    formatNumber(s.failures),
  ]);
  const fixed = result.fixedRate;
  const fixedRows = [fixed.direct, fixed.gateway, fixed.gatewayAuth].map((s) => [
    s.label,
    formatNumber(s.requestsPerSecond),
    formatMs(s.p50Ms),
    formatMs(s.p99Ms),
    s === fixed.direct ? '–' : formatMs(s === fixed.gateway ? fixed.addedP99Ms : fixed.addedP99AuthMs),
    micros(s.cpuMicrosPerRequest.proxy),
    s.maxBackgroundCores.toFixed(2),
    formatNumber(s.failures),
  ]);
  const f = result.features;
  const yes = (on: boolean) => (on ? 'on' : 'not seen');
  return [
    `Measured ${formatInstant(date)}; gateway at \`${result.gatewayCommit}\`.`,
    `Gateway features seen from outside during the run: request id ${yes(f.requestId)}, rate limit headers ${yes(f.rateLimit)},`,
    `metrics ${yes(f.metrics)}, breaker metrics ${yes(f.breaker)}.`,
    '',
    renderGoals(gatewayGoals(result)),
    '',
    `Throughput: ${config.BENCH_CONNECTIONS} connections, no pipelining, ${config.BENCH_ROUNDS} × ${config.BENCH_DURATION} s interleaved, median of rounds.`,
    `CPU is user + system time of the process (nginx: master and worker) over the round, divided by the responses.`,
    '',
    renderTable(
      [
        { title: 'target' },
        { title: 'req/s', align: R },
        { title: 'req/s per round', align: R },
        { title: 'p50', align: R },
        { title: 'p99', align: R },
        { title: 'proxy CPU µs/req', align: R },
        { title: 'proxy CPU s / 1k req', align: R },
        { title: 'origin CPU µs/req', align: R },
        { title: 'Redis CPU µs/req', align: R },
        { title: 'max background (CPUs)', align: R },
        { title: 'failed', align: R },
      ],
      throughputRows,
    ),
    '',
    `Fixed rate: ${formatNumber(fixed.rate)} req/s paced evenly over ${config.BENCH_CONNECTIONS} keep-alive connections, ${config.BENCH_ROUNDS} × ${config.BENCH_DURATION} s interleaved;`,
    '"added" is the gateway\'s p99 minus the direct p99 of the same round, median of rounds.',
    '',
    renderTable(
      [
        { title: 'target' },
        { title: 'req/s', align: R },
        { title: 'p50', align: R },
        { title: 'p99', align: R },
        { title: 'p99 added', align: R },
        { title: 'proxy CPU µs/req', align: R },
        { title: 'max background (CPUs)', align: R },
        { title: 'failed', align: R },
      ],
      fixedRows,
    ),
    '',
    `Placement: proxies on CPU ${result.layout.proxy ?? '(not pinned)'}, load generator and origin on CPU ${result.layout.load ?? '(not pinned)'};`,
    `nginx ${result.nginxWorkers} worker, upstream keepalive 64, HTTP/1.1; the authenticated GET is \`GET ${result.authPath}\` with a bearer token.`,
  ].join('\n');
}

/**
 * Profile times compared between targets: each entry's share of its target's sampled busy time,
 * and that share of the target's measured CPU per request (from the rounds), `≈ µs/req`.
 * Sampled time itself runs high (profiling costs CPU, and a sample taken while the process waits
 * for the CPU counts as time in whatever it was doing), so the shares are the trustworthy part.
 */
export function comparisonRows(
  lists: readonly (readonly TimeEntry[])[],
  measuredMicros: readonly number[],
  limit: number,
): string[][] {
  const shares = lists.map((list) => new Map(list.map((e) => [e.name, e.share])));
  const names = [...new Set(lists.flatMap((list) => list.map((e) => e.name)))];
  const largest = (name: string) => Math.max(...shares.map((m) => m.get(name) ?? 0));
  return names
    .sort((x, y) => largest(y) - largest(x))
    .slice(0, limit)
    .map((name) => [
      name,
      ...shares.flatMap((m, i) => {
        const share = m.get(name);
        if (share === undefined) return ['–', '–'];
        const micros = share * (measuredMicros[i] ?? Number.NaN);
        return [`${(share * 100).toFixed(1)} %`, Number.isFinite(micros) ? micros.toFixed(1) : '–'];
      }),
    ]);
}

/** Allocations compared as bytes per request of each target. */
export function allocationRows(lists: readonly (readonly ByteEntry[])[], requests: readonly number[], limit: number): string[][] {
  const perRequest = lists.map((list, i) => new Map(list.map((e) => [e.name, e.bytes / Math.max(1, requests[i] ?? 0)])));
  const names = [...new Set(lists.flatMap((list) => list.map((e) => e.name)))];
  const largest = (name: string) => Math.max(...perRequest.map((m) => m.get(name) ?? 0));
  return names
    .sort((x, y) => largest(y) - largest(x))
    .slice(0, limit)
    .map((name) => [name, ...perRequest.map((m) => (m.has(name) ? formatNumber(m.get(name)!) : '–'))]);
}

function gcLine(gc: GcSummary | undefined, requests: number): string {
  if (gc === undefined) return '–';
  const kinds = gc.kinds.map((k) => `${k.kind} ${k.count}× (median ${k.medianMs.toFixed(1)} ms, max ${k.maxMs.toFixed(1)} ms)`);
  return `${((gc.totalMs * 1000) / Math.max(1, requests)).toFixed(1)} µs/req: ${kinds.join('; ') || 'none'}`;
}

/** The profile section; `measuredMicros` is each profiled target's CPU µs/req from the rounds, by target id. */
export function renderProfile(profile: GatewayProfile | undefined, config: BenchConfig, measuredMicros: Readonly<Record<string, number>>): string {
  if (profile === undefined) return '_No profile in this run (BENCH_PROFILE=false, or the gateway wrote none)._';
  const { targets } = profile;
  const windows = profile.fixedRate === undefined ? targets : [...targets, profile.fixedRate];
  const measured = targets.map((t) => measuredMicros[t.id] ?? Number.NaN);
  const timeColumns: Column[] = [
    { title: 'where' },
    ...targets.flatMap((t) => [
      { title: `${t.label}: share`, align: R },
      { title: '≈ µs/req', align: R },
    ]),
  ];
  const timeTable = (pick: (s: ProfileSummary) => readonly TimeEntry[], limit: number) =>
    renderTable(timeColumns, comparisonRows(targets.map((t) => pick(t.summary)), measured, limit));
  const byteColumns: Column[] = [{ title: 'where' }, ...targets.map((t) => ({ title: `${t.label}, bytes/req`, align: R }))];
  const allocationRequests = targets.map((t) => t.allocationRequests);
  return [
    `After the measured rounds the gateway is started twice more and loaded ${config.BENCH_DURATION} s per target (the two above as fast as`,
    `they answer, then pass-through at ${formatNumber(config.BENCH_FIXED_RATE)} req/s, for its GC pauses and event-loop delay): once under`,
    '`node --cpu-prof` (the probe tools/bench/src/gateway-probe.ts, preloaded with `--import`, records GC pauses), once with the',
    "probe sampling allocations (V8's sampling heap profiler, collected objects included: bytes allocated, not bytes kept).",
    "Shares are of the sampled busy time of the target's window; `≈ µs/req` applies the share to the CPU per request measured in",
    'the rounds above. Sampled time runs higher than CPU time (profiling costs CPU; a sample taken while the process waits for',
    'the CPU counts for what it was doing, typically a socket write), so rely on the shares. At the fixed rate requests come every',
    "millisecond like the samples, so that window's sampled time per request means little; its GC pauses and event-loop delay do.",
    '',
    renderTable(
      [{ title: '' }, ...windows.map((t) => ({ title: t.label }))],
      [
        ['requests in the CPU-profiled window', ...windows.map((t) => formatNumber(t.requests))],
        ['sampled busy time per request', ...windows.map((t) => `${((t.summary.busyMs * 1000) / Math.max(1, t.requests)).toFixed(0)} µs`)],
        ['CPU per request measured in the rounds', ...windows.map((t) => `${micros(measuredMicros[t.id])} µs`)],
        ['p99 latency in the window (under the profiler)', ...windows.map((t) => formatMs(t.p99Ms))],
        ['GC pauses (CPU-profiled window)', ...windows.map((t) => gcLine(t.gc, t.requests))],
        ['event-loop delay p50 / p99 / max', ...windows.map((t) => (t.eventLoop ? `${t.eventLoop.p50Ms.toFixed(1)} / ${t.eventLoop.p99Ms.toFixed(1)} / ${t.eventLoop.maxMs.toFixed(1)} ms` : '–'))],
        ['allocated per request', ...windows.map((t) => (t.allocatedBytesPerRequest === undefined ? '–' : `${formatNumber(t.allocatedBytesPerRequest)} bytes`))],
      ],
    ),
    '',
    '**Self time by package** (Node core modules by module; `(native)` = C++ builtins, socket writes above all):',
    '',
    timeTable((s) => s.selfByPackage, 16),
    '',
    '**Inclusive time by package** (a sample counts once for every package on its stack):',
    '',
    timeTable((s) => s.inclusiveByPackage, 16),
    '',
    '**Inclusive time of our own functions** (gateway/, libs/; Fastify runs hooks in a chain, so a hook includes what follows it):',
    '',
    timeTable((s) => s.inclusiveOwnFunctions, 22),
    '',
    '**Self time by function**:',
    '',
    timeTable((s) => s.selfByFunction, 22),
    '',
    '**Allocated bytes per request by package**, and below our own functions:',
    '',
    renderTable(byteColumns, allocationRows(targets.map((t) => t.allocations?.byPackage ?? []), allocationRequests, 12)),
    '',
    renderTable(byteColumns, allocationRows(targets.map((t) => t.allocations?.inclusiveOwnFunctions ?? []), allocationRequests, 12)),
    '',
    `Flame graphs: this run kept \`${profile.cpuprofile}\` (Chrome DevTools, speedscope) and folded stacks per target beside it.`,
  ].join('\n');
}

