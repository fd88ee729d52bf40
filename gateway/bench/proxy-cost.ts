/**
 * CPU time per proxied request. A plain origin runs in a child process, the server under test in
 * this one and autocannon in another child, so this process's CPU time (process.cpuUsage) divided
 * by the requests answered is the server's own cost. Variants:
 *
 * - `proxy`: bare Fastify with the gateway's proxy plugin (breaker, balancer, relay) and nothing else;
 * - `gateway`: the whole gateway (public path, so no token check; rate limit set out of reach);
 * - `http-proxy`: bare Fastify with @fastify/http-proxy and its defaults, for reference;
 * - `pool`: bare Fastify relaying through one undici Pool, the floor for any Fastify proxy.
 *
 *   node --conditions=@orderly/source gateway/bench/proxy-cost.ts [--variant=proxy] [--connections=64]
 *     [--seconds=10] [--rate=0 (requests/s overall; 0 = as fast as possible)] [--instances=1] [--pin]
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import httpProxy from '@fastify/http-proxy';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
import { buildGateway } from '../src/app.ts';
import { loadGatewayConfig } from '../src/config.ts';
import proxy from '../src/proxy.plugin.ts';
import { guardUpstream } from '../src/upstream-guards.ts';
import { createUpstreamMetrics } from '../src/upstream-metrics.ts';
import { createUpstream } from '../src/upstreams.ts';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'proxy' },
    connections: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '0' },
    instances: { type: 'string', default: '1' },
    pin: { type: 'boolean', default: false },
  },
});
/** With --pin (Linux), the helpers run on CPU 1 and this process on CPU 0, so they do not compete. */
function helper(args: string[]): ChildProcessByStdio<null, Readable, null> {
  const [command, argv] = values.pin ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
  return spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
}
const PATH = '/v1/auth/.well-known/jwks.json';

const ORIGIN = `
const body = JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'x'.repeat(43), kid: 'bench' }] });
require('node:http').createServer((req, res) => {
  req.resume();
  res.writeHead(req.url.startsWith('/health/') ? 200 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });
`;

async function startOrigin(): Promise<{ url: string; stop(): void }> {
  const child = helper(['-e', ORIGIN]);
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}`, stop: () => child.kill() };
}

interface LoadResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

async function load(url: string, seconds: number): Promise<LoadResult> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [cli, '-j', '-c', values.connections, '-d', String(seconds), url];
  if (values.rate !== '0') args.push('-R', values.rate);
  const child = helper(args);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await once(child, 'exit');
  return JSON.parse(out) as LoadResult;
}

async function bareProxy(origins: string[]): Promise<FastifyInstance> {
  const app = Fastify();
  const config = loadGatewayConfig({});
  const guard = guardUpstream(createUpstream('auth', '/v1/auth', origins), config, createUpstreamMetrics(new Registry()), app.log);
  await app.register(proxy, { ...guard, trust: () => false, timeoutMs: 10_000, idleTimeoutMs: 30_000, bodyLimit: 1024 * 1024 });
  app.addHook('onClose', async () => guard.breaker.shutdown());
  return app;
}

async function wholeGateway(origins: string[]): Promise<FastifyInstance> {
  const list = origins.join(',');
  const config = loadGatewayConfig({ LOG_LEVEL: 'error', AUTH_URL: list, ORDERS_URL: list, NOTIFICATIONS_URL: list, REPORTING_URL: list, RATE_LIMIT_MAX: '100000' });
  const gateway = await buildGateway(config);
  gateway.lifecycle.started = true;
  return gateway.app;
}

async function referenceHttpProxy(origins: string[]): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(httpProxy, { upstream: origins[0]!, prefix: '/v1/auth', rewritePrefix: '/v1/auth' });
  return app;
}

async function referencePool(origins: string[]): Promise<FastifyInstance> {
  const app = Fastify();
  const pool = new Pool(origins[0]!, { connections: 128 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.all('/v1/auth/*', (request, reply) => {
    pool.request({ path: request.url, method: 'GET', headers: { ...request.headers, host: undefined, connection: undefined } }, (error, response) => {
      if (error) return void reply.code(502).send();
      reply.code(response.statusCode).headers(response.headers).send(response.body);
    });
  });
  app.addHook('onClose', async () => pool.destroy());
  return app;
}

const VARIANTS: Record<string, (origins: string[]) => Promise<FastifyInstance>> = {
  proxy: bareProxy,
  gateway: wholeGateway,
  'http-proxy': referenceHttpProxy,
  pool: referencePool,
};
const build = VARIANTS[values.variant];
if (build === undefined) throw new Error(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}`);

const origins = await Promise.all(Array.from({ length: Number(values.instances) }, () => startOrigin()));
const app = await build(origins.map((origin) => origin.url));
await app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}${PATH}`;

await load(url, 2);
const before = process.cpuUsage();
const result = await load(url, Number(values.seconds));
const cpu = process.cpuUsage(before);
const microsPerRequest = (cpu.user + cpu.system) / result.requests.total;

process.stdout.write(
  `${values.variant}: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, ` +
    `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}; ` +
    `CPU ${microsPerRequest.toFixed(1)} µs/request\n`,
);
await app.close();
for (const origin of origins) origin.stop();
