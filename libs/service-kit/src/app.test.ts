import { Type } from '@sinclair/typebox';
import { AppError, createServiceApp, type ServiceApp } from './index.ts';

let service: ServiceApp;
let dependencyUp = true;
let cacheUp = true;

beforeAll(async () => {
  service = await createServiceApp({
    name: 'kit-test',
    version: '1.2.3',
    logLevel: 'silent',
    readiness: { database: () => dependencyUp },
    informational: { cache: () => cacheUp },
    bodyLimit: 1024,
  });
  const { app } = service;
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object({ name: Type.String({ maxLength: 10 }), count: Type.Integer() }, { additionalProperties: false }),
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
        response: { 201: Type.Object({ name: Type.String(), count: Type.Integer(), limit: Type.Integer() }) },
      },
    },
    async (request, reply) => reply.code(201).send({ ...request.body, limit: request.query.limit }),
  );
  app.get('/conflict', async () => {
    throw new AppError(409, 'order-not-cancellable', 'Order is shipped.');
  });
  app.get('/boom', async () => {
    throw new Error('relation "secret_table" does not exist at /srv/app.ts:12');
  });
  await app.ready();
});

afterAll(() => service.app.close());

const post = (body: string, query = '') =>
  service.app.inject({ method: 'POST', url: `/things${query}`, payload: body, headers: { 'content-type': 'application/json' } });

describe('createServiceApp', () => {
  it('when the body is valid, then query strings are coerced and the route answers', async () => {
    const res = await post('{"name":"a","count":2}', '?limit=5');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'a', count: 2, limit: 5 });
  });

  it.each([
    ['an unknown field', '{"name":"a","count":2,"admin":true}', '/body/admin'],
    ['a string in a number field', '{"name":"a","count":"2"}', '/body/count'],
    ['a missing field', '{"name":"a"}', '/body/count'],
    ['a too long string', '{"name":"aaaaaaaaaaaaaaa","count":1}', '/body/name'],
  ])('when the body has %s, then it answers a 400 problem naming the path', async (_case, body, path) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', instance: '/things', requestId: res.headers['x-request-id'] });
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('when the JSON is malformed, then it answers a 400 problem', async () => {
    const res = await post('{"name":');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'https://orderly.dev/problems/malformed-json', status: 400 });
  });

  it('when the body exceeds the limit, then it answers 413', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(2000), count: 1 }));
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('when a domain error is thrown, then its status and code become the problem', async () => {
    const res = await service.app.inject({ method: 'GET', url: '/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ type: 'https://orderly.dev/problems/order-not-cancellable', detail: 'Order is shipped.' });
  });

  it('when an unexpected error is thrown, then no internal detail reaches the client', async () => {
    const res = await service.app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/secret_table|srv|stack/);
    expect(res.json()).toMatchObject({ status: 500, detail: 'An unexpected error occurred.' });
  });

  it('when no route matches, then it answers a 404 problem', async () => {
    const res = await service.app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, instance: '/nope' });
  });

  it('when the client sends a sane request id, then it is echoed; otherwise a new one is made', async () => {
    const kept = await service.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123.X_y' } });
    expect(kept.headers['x-request-id']).toBe('abc-123.X_y');
    const replaced = await service.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when responses are sent, then security headers are set', async () => {
    const res = await service.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('when starting, ready, degraded or draining, then readiness says so', async () => {
    const ready = () => service.app.inject({ method: 'GET', url: '/health/ready' });
    expect((await ready()).statusCode).toBe(503);
    service.lifecycle.started = true;
    expect((await ready()).json()).toEqual({ status: 'ready', checks: { database: 'up', cache: 'up' } });
    cacheUp = false;
    const withoutCache = await ready();
    expect(withoutCache.statusCode).toBe(200);
    expect(withoutCache.json()).toEqual({ status: 'ready', checks: { database: 'up', cache: 'down' } });
    cacheUp = true;
    dependencyUp = false;
    expect((await ready()).statusCode).toBe(503);
    dependencyUp = true;
    service.lifecycle.draining = true;
    const draining = await ready();
    expect(draining.statusCode).toBe(503);
    expect(draining.headers.connection).toBe('close');
    expect(draining.json().status).toBe('draining');
  });

  it('when /metrics and /openapi.json are asked, then they describe the service', async () => {
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('orderly_http_request_duration_seconds');
    const openapi = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(openapi.openapi).toBe('3.0.3');
    expect(Object.keys(openapi.paths)).toContain('/things');
    expect(Object.keys(openapi.paths)).not.toContain('/metrics');
  });
});
