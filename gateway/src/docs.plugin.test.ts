import type { ServerResponse } from 'node:http';
import { startFixture, type Fixture } from '../test/fixture.ts';
import { eventually, send } from '../test/gateway.ts';
import type { Origin } from '../test/origin.ts';

let f: Fixture;
const Problem = { type: 'object', properties: { status: { type: 'integer' } } };

function documentOf(prefix: string, item: object): object {
  return {
    openapi: '3.0.3',
    info: { title: prefix, version: '1' },
    paths: {
      [`${prefix}`]: { get: { tags: [prefix.split('/')[2]], responses: { 200: { $ref: '#/components/responses/Listed' } } } },
      [`${prefix}/{id}`]: { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } } } },
      '/internal/reindex': { post: { responses: { 204: { description: 'not routed by the gateway' } } } },
    },
    components: {
      schemas: { Item: item, Problem },
      responses: { Listed: { description: 'a page', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    tags: [{ name: prefix.split('/')[2], description: `the ${prefix} endpoints` }],
  };
}

function serveDocument(origin: Origin, document: object): void {
  origin.handle((request, response: ServerResponse) => {
    if (request.url === '/openapi.json') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
    else response.writeHead(404).end();
  });
}
/** The value at `path` inside a parsed JSON document. */
const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
const keysAt = (value: unknown, ...path: string[]) => Object.keys(at(value, ...path) as object).sort();
const schemaRef = (doc: unknown, ...path: string[]) => at(doc, ...path, 'content', 'application/json', 'schema', '$ref');
const mergedDocument = async () => (await send(`${f.url}/docs/json`)).json();
const fetches = (origin: Origin) => origin.requests.filter((request) => request.url === '/openapi.json').length;

beforeAll(async () => {
  f = await startFixture({ DOCS_REFRESH_INTERVAL_MS: '1000' });
  serveDocument(f.auth, documentOf('/v1/auth', { type: 'object', properties: { email: { type: 'string' } } }));
  serveDocument(f.orders, documentOf('/v1/orders', { type: 'object', properties: { sku: { type: 'string' } } }));
  serveDocument(f.notifications, documentOf('/v1/notifications', { type: 'object', properties: { sku: { type: 'string' } } }));
  f.reporting.behave('reset');
});
afterAll(() => f.close());

describe('/docs', () => {
  it('when the UI is opened without a token, then it is served, with a CSP that keeps its own files on http', async () => {
    const res = await send(`${f.url}/docs`);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger-ui');
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect((await send(`${f.url}/docs/static/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('when /docs/json is read, then it merges every reachable service and names the one that is not', async () => {
    const doc = await mergedDocument();

    expect(doc.openapi).toBe('3.0.3');
    expect(keysAt(doc, 'paths')).toEqual(['/v1/auth', '/v1/auth/{id}', '/v1/notifications', '/v1/notifications/{id}', '/v1/orders', '/v1/orders/{id}']);
    expect(doc['x-orderly-services']).toEqual({ auth: 'available', orders: 'available', notifications: 'available', reporting: 'unavailable' });
    expect(at(doc, 'info', 'description')).toContain('Unavailable right now (not listed): reporting.');
    expect((doc.tags as { name: string }[]).map((tag) => tag.name)).toEqual(['auth', 'orders', 'notifications']);
  });

  it('when two services use one component name for different things, then the later is prefixed and its references follow', async () => {
    const doc = await mergedDocument();

    expect(keysAt(doc, 'components', 'schemas')).toEqual(['Item', 'Problem', 'notifications.Item', 'orders.Item']);
    expect(at(doc, 'components', 'schemas', 'orders.Item', 'properties')).toHaveProperty('sku');
    expect(schemaRef(doc, 'paths', '/v1/orders/{id}', 'get', 'responses', '200')).toBe('#/components/schemas/orders.Item');
    // The shared name Listed refers to Item: orders' copy now means orders.Item, so it is renamed too.
    expect(at(doc, 'paths', '/v1/orders', 'get', 'responses', '200', '$ref')).toBe('#/components/responses/orders.Listed');
    expect(schemaRef(doc, 'components', 'responses', 'orders.Listed')).toBe('#/components/schemas/orders.Item');
    expect(schemaRef(doc, 'paths', '/v1/auth/{id}', 'get', 'responses', '200')).toBe('#/components/schemas/Item');
    expect(at(doc, 'components', 'schemas', 'Problem')).toEqual(Problem);
    expect(keysAt(doc, 'components', 'securitySchemes')).toEqual(['bearer']);
  });

  it('when the document is read again soon, then it comes from the cache; when a missing service returns, it is added', async () => {
    const before = fetches(f.auth);
    await send(`${f.url}/docs/json`);
    expect(fetches(f.auth)).toBe(before);

    serveDocument(f.reporting, documentOf('/v1/reports', { type: 'string' }));

    await eventually(async () => {
      const doc = await mergedDocument();
      expect(at(doc, 'x-orderly-services', 'reporting')).toBe('available');
      expect(doc.paths).toHaveProperty('/v1/reports/{id}');
    });
  });

  it('when a service that answered before is down, then its last document stays, marked cached', async () => {
    f.orders.behave('reset');
    f.orders.handle(undefined);

    await eventually(async () => {
      const doc = await mergedDocument();
      expect(at(doc, 'x-orderly-services', 'orders')).toBe('cached');
      expect(doc.paths).toHaveProperty('/v1/orders/{id}');
    });
  });
});
