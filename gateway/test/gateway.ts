/** Test harness: a real gateway listening on port 0, and a plain HTTP client for it. */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testInfra, uniqueTestName } from '@orderly/testing';
import { buildGateway, type Gateway, type GatewayDeps } from '../src/app.ts';
import { loadGatewayConfig } from '../src/config.ts';

export interface TestGateway {
  url: string;
  gateway: Gateway;
  close(): Promise<void>;
}

/**
 * Builds and starts a gateway from `env` (quiet logs, rare health checks unless overridden). Each
 * gateway gets the test Redis and a key prefix of its own (its own rate-limit budgets) unless
 * `env` names them; pass the same REDIS_KEY_PREFIX to make gateways share budgets.
 */
export async function startGateway(env: Record<string, string>, deps: GatewayDeps = {}): Promise<TestGateway> {
  const { redisUrl } = await testInfra();
  // A generous command time-out: a busy test machine must not make counting fail open by accident.
  const redisEnv = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${uniqueTestName('gateway_test')}:`, REDIS_COMMAND_TIMEOUT_MS: '2000' };
  const config = loadGatewayConfig({ LOG_LEVEL: 'silent', HEALTH_CHECK_INTERVAL_MS: '600000', ...redisEnv, ...env });
  const gateway = await buildGateway(config, deps);
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  gateway.lifecycle.started = true;
  const { port } = gateway.app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, gateway, close: () => gateway.app.close() };
}

export interface Sent {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): Record<string, unknown>;
}

export interface SendOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
}

/** Opens the request and resolves with the response as soon as its headers arrive. */
export function open(url: string, options: SendOptions = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, resolve);
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends one request on a fresh connection and reads the whole response. */
export async function send(url: string, options: SendOptions = {}): Promise<Sent> {
  const response = await open(url, options);
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  return { status: response.statusCode ?? 0, headers: response.headers, body, json: () => JSON.parse(body) as Record<string, unknown> };
}

/** Resolves once `check` passes, retrying every 25 ms for up to `timeoutMs`. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
