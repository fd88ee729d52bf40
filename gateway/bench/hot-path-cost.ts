/**
 * Nanoseconds per call of the per-request steps the gateway adds to a bare relay: the breaker
 * (one opossum fire, settled), the balancer's pick, the latency metric, the path check, the
 * time-out timer, and for scale a bare opossum fire of an async function (the usual
 * way to drive it). Batches of 1,000 calls yield to the event loop between them, so promise
 * reactions run as they would under load. Warm caches: under real traffic every step costs more.
 *
 *   node --conditions=@orderly/source gateway/bench/hot-path-cost.ts [--calls=2000000]
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import CircuitBreaker from 'opossum';
import { Registry } from 'prom-client';
import { createBalancer } from '../src/balancer.ts';
import { createBreaker } from '../src/breaker.ts';
import { isForwardablePath } from '../src/forwarded-path.ts';
import { createUpstreamMetrics } from '../src/upstream-metrics.ts';
import { createUpstream } from '../src/upstreams.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '2000000' } } });
const CALLS = Number(values.calls);
const BATCH = 1_000;

function ignore(): void {}

async function measure(name: string, step: () => void): Promise<void> {
  const run = async (calls: number) => {
    for (let done = 0; done < calls; done += BATCH) {
      for (let i = 0; i < BATCH; i += 1) step();
      await yieldToLoop();
    }
  };
  await run(CALLS / 10);
  const before = process.cpuUsage();
  await run(CALLS);
  const cpu = process.cpuUsage(before);
  process.stdout.write(`${name.padEnd(48)} ${(((cpu.user + cpu.system) * 1000) / CALLS).toFixed(0).padStart(6)} ns/call\n`);
}

const breakerOptions = { errorThresholdPercentage: 50, volumeThreshold: 10, rollingWindowMs: 10_000, resetTimeoutMs: 5_000 };
const breaker = createBreaker('orders', breakerOptions, { stateChanged() {}, rejected() {} });
const plain = new CircuitBreaker(async () => undefined, { timeout: false, rollingPercentilesEnabled: false, enableSnapshots: false });
const upstream = createUpstream('orders', '/v1/orders', ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3']);
const balancer = createBalancer(upstream, { cooldownMs: 10_000, consecutiveErrors: 3 }, () => {});
const metrics = createUpstreamMetrics(new Registry()).forService('orders');

await measure('empty step (loop overhead)', () => {});
await measure('breaker: admit + resolve', () => breaker.admit()!.resolve());
await measure('opossum: fire(async action), for comparison', () => void plain.fire());
await measure('balancer: pick among 3', () => balancer.pick());
await measure('metrics: observe latency', () => metrics.observe(200, 0.002));
await measure('path check: /v1/orders/<uuid>?limit=5', () => isForwardablePath('/v1/orders/0190a5a0-0000-7000-8000-00000000000a?limit=5'));
await measure('path check: /v1/auth/.well-known/jwks.json', () => isForwardablePath('/v1/auth/.well-known/jwks.json'));
await measure('time-out: set and clear', () => clearTimeout(setTimeout(ignore, 10_000)));

breaker.shutdown();
plain.shutdown();
