/**
 * Open-loop load at a steady rate, for latency at a given request rate. autocannon's
 * `overallRate` is not that: each connection sends its whole per-second quota back to back when
 * its one-second interval fires (lib/httpClient.js), so "1,000 req/s" arrives as a burst of 1,000
 * at the top of every second and its percentiles measure the queue of that burst. Here request i
 * is sent at start + i / rate over a keep-alive pool of `connections` sockets, and its latency is
 * timed from the moment it is written to the moment its response has been read.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadResult, LoadSpec } from './load.ts';
import { SampleBuffer, summariseLatencies } from './stats.ts';

/** How many requests are due `elapsedMs` after the start at `rate` per second, given `sent` already. */
export function dueRequests(elapsedMs: number, rate: number, sent: number): number {
  return Math.max(0, Math.floor((elapsedMs * rate) / 1000) + 1 - sent);
}

export function runPaced(spec: LoadSpec & { overallRate: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
  const url = new URL(spec.origin);
  const samples = new SampleBuffer();
  const statusCounts: Record<string, number> = {};
  const cpuBefore = process.cpuUsage();
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  const totalMs = spec.durationSeconds * 1000;

  return new Promise((resolve) => {
    const start = performance.now();
    let ticking = true;
    const finish = () => {
      if (ticking || inFlight > 0) return;
      const cpu = process.cpuUsage(cpuBefore);
      const durationSeconds = (performance.now() - start) / 1000;
      agent.destroy();
      const latency = summariseLatencies(samples.toArray());
      resolve({
        responses: latency.count,
        non2xx,
        errors,
        durationSeconds,
        requestsPerSecond: latency.count / durationSeconds,
        latency,
        statusCounts,
        loadGeneratorCpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    };
    const send = (path: string) => {
      inFlight++;
      const sentAt = performance.now();
      const req = request(
        { agent, host: url.hostname, port: url.port, method: spec.method, path, headers: { ...spec.headers } },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            samples.push(performance.now() - sentAt);
            const status = res.statusCode ?? 0;
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            if (status < 200 || status > 299) non2xx++;
            inFlight--;
            finish();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        inFlight--;
        finish();
      });
      req.end(spec.body);
    };
    const tick = () => {
      const elapsed = performance.now() - start;
      if (elapsed >= totalMs) {
        ticking = false;
        finish();
        return;
      }
      for (let n = dueRequests(elapsed, spec.overallRate, sent); n > 0; n--) {
        send(spec.paths[sent % spec.paths.length]!);
        sent++;
      }
      setTimeout(tick, 0);
    };
    tick();
  });
}
