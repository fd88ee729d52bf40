import { buildGateway, type Gateway } from './app.ts';
import { loadGatewayConfig } from './config.ts';
import { eventually, send, startGateway, type TestGateway } from '../test/gateway.ts';
import { closedPortUrl, startOrigin, type Origin } from '../test/origin.ts';

let ordersA: Origin;
let ordersB: Origin;
let auth: Origin;
let gateway: TestGateway;
let downUrl: string;

beforeAll(async () => {
  [ordersA, ordersB, auth] = await Promise.all([startOrigin('orders-a'), startOrigin('orders-b'), startOrigin('auth')]);
  downUrl = await closedPortUrl();
  ordersB.setReady(false);
  gateway = await startGateway({
    AUTH_URL: auth.url,
    ORDERS_URL: `${ordersA.url},${ordersB.url}`,
    NOTIFICATIONS_URL: downUrl,
    REPORTING_URL: 'http://127.0.0.1:1',
    HEALTH_CHECK_INTERVAL_MS: '100',
    HEALTH_CHECK_TIMEOUT_MS: '500',
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([ordersA.close(), ordersB.close(), auth.close()]);
});

type ServicesBody = { status: string; services: Record<string, { status: string; instances: Array<Record<string, unknown>> }> };
const services = async () => (await send(`${gateway.url}/health/services`)).json() as unknown as ServicesBody;

describe('/health/services', () => {
  it('when instances are up, unready or unreachable, then each is reported with its own status', async () => {
    await eventually(async () => expect((await services()).services.reporting!.status).toBe('down'));

    const body = await services();

    expect(body.status).toBe('degraded');
    expect(body.services.auth).toEqual({
      status: 'up',
      breaker: 'closed',
      instances: [{ instance: 1, status: 'up', checkedAt: expect.any(String), reason: null, inRotation: true, ejectedUntil: null }],
    });
    expect(body.services.orders!.status).toBe('degraded');
    expect(body.services.orders!.instances).toEqual([
      expect.objectContaining({ instance: 1, status: 'up' }),
      expect.objectContaining({ instance: 2, status: 'down', reason: 'not ready (HTTP 503)', inRotation: false }),
    ]);
    expect(body.services.notifications!.instances).toEqual([expect.objectContaining({ status: 'down', reason: 'unreachable' })]);
  });

  it('when the report is read, then no instance address is disclosed', async () => {
    const res = await send(`${gateway.url}/health/services`);

    expect(res.body).not.toContain('127.0.0.1');
  });

  it('when an instance recovers, then the next round reports it up', async () => {
    ordersB.setReady(true);

    await eventually(async () => expect((await services()).services.orders!.status).toBe('up'));
    ordersB.setReady(false);
  });

  it('when checks run, then they go to /health/ready and are not proxied traffic', () => {
    expect(ordersA.healthChecks).toBeGreaterThan(0);
    expect(ordersA.requests).toHaveLength(0);
  });
});

describe('/health/live and /health/ready', () => {
  let unstarted: Gateway;
  beforeAll(async () => {
    unstarted = await buildGateway(loadGatewayConfig({ LOG_LEVEL: 'silent', AUTH_URL: downUrl }));
    await unstarted.app.ready();
  });
  afterAll(() => unstarted.app.close());

  it('when the gateway is not listening yet, then it is live but not ready', async () => {
    expect((await unstarted.app.inject({ url: '/health/live' })).statusCode).toBe(200);
    expect((await unstarted.app.inject({ url: '/health/ready' })).statusCode).toBe(503);
  });

  it('when it listens, then it is ready even though upstreams are down', async () => {
    const res = await send(`${gateway.url}/health/ready`);

    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready' });
  });
});
