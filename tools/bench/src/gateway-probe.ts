/**
 * Preloaded into the profiled gateway (`node --import <this file>?dir=<dir>`), never into a
 * measured one: on each SIGURG (ignored by default and sent by nothing else here; SIGUSR2 would
 * stop the service, close-with-grace listens to it) it either starts a window (garbage-collection pauses from
 * PerformanceObserver, event-loop delay from monitorEventLoopDelay, allocations from V8's sampling
 * heap profiler, collected objects included)
 * or ends it and writes `<dir>/window-<n>.json`. The gateway's own code is not touched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

const params = new URL(import.meta.url).searchParams;
const dir = params.get('dir');
/** Heap sampling costs the gateway CPU: a run that is CPU-profiled records GC pauses only (`allocations=0`). */
const sampleAllocations = params.get('allocations') !== '0';
const SAMPLING_INTERVAL_BYTES = 16 * 1024;

if (dir !== null) {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  const pauses: Array<{ kind: string; ms: number }> = [];
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const loopDelay = () => ({ p50Ms: delay.percentile(50) / 1e6, p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 });
  let open = false;
  let window = 0;

  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  new PerformanceObserver((list) => {
    if (!open) return;
    for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      pauses.push({ kind: kinds[entry.detail?.kind ?? -1] ?? 'other', ms: entry.duration });
    }
  }).observe({ entryTypes: ['gc'] });

  process.on('SIGURG', () => {
    if (!open) {
      pauses.length = 0;
      delay.reset();
      delay.enable();
      open = true;
      if (sampleAllocations) {
        session.post('HeapProfiler.startSampling', {
          samplingInterval: SAMPLING_INTERVAL_BYTES,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      }
      return;
    }
    open = false;
    delay.disable();
    const file = path.join(dir, `window-${++window}.json`);
    const eventLoop = loopDelay();
    if (!sampleAllocations) {
      writeFileSync(file, JSON.stringify({ gc: pauses, eventLoop, allocations: null }));
      return;
    }
    session.post('HeapProfiler.stopSampling', (error, result) => {
      writeFileSync(file, JSON.stringify({ gc: pauses, eventLoop, allocations: error ? null : result.profile }));
    });
  });
}
