/**
 * End to end with real processes: `npm start`'s launcher runs the gateway and the four services on
 * free ports against an isolated database, exchange, queue prefix and Redis prefix; the test talks
 * to the gateway only, as a client would.
 */
import { createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { findFreePort, startLauncherProcess, type LauncherProcess } from '@orderly/launcher';
import { assertTestName, testInfra } from '@orderly/testing';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const LOCAL_NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const NODE = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;

const hex = randomBytes(4).toString('hex');
const database = `orderly_test_e2e_${hex}`;
const exchange = `test_${hex}.events`;
const probeQueue = `test_${hex}.probe`;
assertTestName(database);

let launcher: LauncherProcess;
let gateway: string;
let devDir: string;
let channel: amqp.Channel;
let connection: amqp.ChannelModel;

beforeAll(async () => {
  const infra = await testInfra();
  devDir = await mkdtemp(path.join(tmpdir(), 'orderly-e2e-'));
  // Listen to every event before anything is published, on the run's own exchange.
  connection = await amqp.connect(infra.amqpUrl);
  channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(probeQueue, { durable: false, autoDelete: false });
  await channel.bindQueue(probeQueue, exchange, '#');

  const ports = Object.fromEntries(
    await Promise.all(
      ['GATEWAY_PORT', 'AUTH_PORT', 'ORDERS_PORT', 'NOTIFICATIONS_PORT', 'REPORTING_PORT'].map(async (k) => [k, String(await findFreePort())]),
    ),
  );
  launcher = await startLauncherProcess({
    repoRoot: REPO_ROOT,
    nodePath: NODE,
    readyTimeoutMs: 90_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_ADMIN_URL: infra.postgresAdminUrl,
      AMQP_URL: infra.amqpUrl,
      REDIS_URL: infra.redisUrl,
      ORDERLY_DATABASE: database,
      EVENTS_EXCHANGE: exchange,
      EVENTS_QUEUE_PREFIX: `test_${hex}`,
      REDIS_KEY_PREFIX: `test_${hex}:`,
      DEV_DIR: devDir,
      LOG_LEVEL: 'warn',
      PRETTY_LOGS: 'false',
      ...ports,
    },
  });
  gateway = launcher.gatewayUrl!;
}, 120_000);

afterAll(async () => {
  const exit = await launcher?.stop('SIGTERM');
  expect(exit).toEqual({ code: 0, signal: null });
  await channel?.deleteQueue(probeQueue).catch(() => undefined);
  await channel?.deleteExchange(exchange).catch(() => undefined);
  await connection?.close().catch(() => undefined);
  const infra = await testInfra();
  const admin = new pg.Client({ connectionString: infra.postgresAdminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
  await rm(devDir, { recursive: true, force: true });
}, 60_000);

async function call(method: string, url: string, body?: unknown, token?: string) {
  const res = await fetch(`${gateway}${url}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function nextEvent(timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const message = await channel.get(probeQueue, { noAck: true });
    if (message) return JSON.parse(message.content.toString('utf8'));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no event arrived');
}

describe('through the gateway', () => {
  const email = `ada-${hex}@example.com`;
  const password = 'correct horse battery';

  it('when a user registers, logs in, asks who they are and refreshes, then every step answers as SPEC says', async () => {
    const registered = await call('POST', '/v1/auth/register', { email, password, name: 'Ada' });
    expect(registered.status).toBe(201);
    expect(registered.headers.get('x-request-id')).toBeTruthy();
    expect(registered.body).toEqual({ id: expect.any(String), email, name: 'Ada', roles: ['customer'], createdAt: expect.any(String) });

    const duplicate = await call('POST', '/v1/auth/register', { email: email.toUpperCase(), password });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toContain('application/problem+json');

    const login = await call('POST', '/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });

    const me = await call('GET', '/v1/auth/me', undefined, login.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toEqual(registered.body);

    const refreshed = await call('POST', '/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await call('GET', '/v1/auth/me', undefined, refreshed.body.accessToken)).status).toBe(200);
    expect((await call('POST', '/v1/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(401);
    expect((await call('POST', '/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status).toBe(401);

    // The access token verifies with an independent JWT library from the JWKS the gateway publishes.
    const jwks = createRemoteJWKSet(new URL(`${gateway}/v1/auth/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(login.body.accessToken, jwks, { issuer: 'orderly-auth', audience: 'orderly' });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    expect(payload).toMatchObject({ sub: registered.body.id, roles: ['customer'], jti: expect.any(String) });

    // And with no JWT library at all: Node's own Ed25519 verification of the compact JWS.
    const { keys } = (await call('GET', '/v1/auth/.well-known/jwks.json')).body as { keys: Array<JsonWebKey & { kid: string }> };
    const [header, claims, signature] = (login.body.accessToken as string).split('.') as [string, string, string];
    const jwk = keys.find((k) => k.kid === protectedHeader.kid)!;
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    expect(verify(null, Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(verify(null, Buffer.from(`${header}.${claims}x`), publicKey, Buffer.from(signature, 'base64url'))).toBe(false);
  });

  it('when a user registers, then user.registered reaches the exchange through the outbox relay', async () => {
    let event: Record<string, unknown>;
    do event = await nextEvent();
    while ((event.data as { email?: string }).email !== email);
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'orderly.user.registered.v1',
      source: '/auth',
      datacontenttype: 'application/json',
      data: { email, name: 'Ada' },
    });
  });

  it('when a protected route is called without a token, then the gateway answers 401 itself', async () => {
    const res = await call('GET', '/v1/orders');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ status: 401, requestId: res.headers.get('x-request-id') });
  });

  it('when the dev admin logs in, then the token carries the admin role', async () => {
    const login = await call('POST', '/v1/auth/login', { email: 'admin@orderly.local', password: 'orderly-admin-password' });
    expect(login.status).toBe(200);
    const me = await call('GET', '/v1/auth/me', undefined, login.body.accessToken);
    expect(me.body.roles).toContain('admin');
  });

  it('when the gateway is asked about its services, then each one is up', async () => {
    const res = await call('GET', '/health/services');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('auth');
  });
});

describe('orders through the gateway with a token from auth', () => {
  it('when a customer places, reads, lists and cancels an order and an admin moves another, then each answers as SPEC says', async () => {
    const email = `grace-${hex}@example.com`;
    expect((await call('POST', '/v1/auth/register', { email, password: 'another good password' })).status).toBe(201);
    const token = (await call('POST', '/v1/auth/login', { email, password: 'another good password' })).body.accessToken;
    const admin = (await call('POST', '/v1/auth/login', { email: 'admin@orderly.local', password: 'orderly-admin-password' })).body.accessToken;
    const body = { items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }], currency: 'EUR' };

    const placed = await call('POST', '/v1/orders', body, token);
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'pending', totalCents: 2500, currency: 'EUR', items: body.items });

    const read = await call('GET', `/v1/orders/${placed.body.id}`, undefined, token);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(placed.body);

    const list = await call('GET', '/v1/orders?limit=10', undefined, token);
    expect(list.body).toEqual({ items: [placed.body], nextCursor: null });

    const cancelled = await call('POST', `/v1/orders/${placed.body.id}/cancel`, undefined, token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await call('POST', `/v1/orders/${placed.body.id}/cancel`, undefined, token)).status).toBe(409);

    const second = (await call('POST', '/v1/orders', body, token)).body;
    expect((await call('PATCH', `/v1/orders/${second.id}/status`, { status: 'confirmed' }, token)).status).toBe(403);
    const confirmed = await call('PATCH', `/v1/orders/${second.id}/status`, { status: 'confirmed' }, admin);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect((await call('PATCH', `/v1/orders/${second.id}/status`, { status: 'delivered' }, admin)).status).toBe(409);
  });
});

