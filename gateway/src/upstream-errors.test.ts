import { startFixture, type Fixture } from '../test/fixture.ts';
import { eventually, send, startGateway, type TestGateway } from '../test/gateway.ts';
import { closedPortUrl } from '../test/origin.ts';
import { bodyTooLarge } from './body-limit.ts';
import { classifyFailure, isConnectionFailure, upstreamProblem } from './upstream-errors.ts';

let f: Fixture;
const bearer = () => ({ authorization: `Bearer ${f.token}` });

beforeAll(async () => {
  f = await startFixture({ UPSTREAM_TIMEOUT_MS: '400' });
});
afterAll(() => f.close());
beforeEach(() => f.reset());

describe('upstream failures', () => {
  it('when the origin does not answer in time, then a 504 problem comes within the time-out and the origin sees the request aborted', async () => {
    f.orders.behave('hang');
    const started = Date.now();

    const res = await send(`${f.url}/v1/orders`, { headers: bearer() });

    const elapsed = Date.now() - started;
    expect(res.status).toBe(504);
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(1_500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 504, type: 'https://orderly.dev/problems/upstream-timeout', requestId: res.headers['x-request-id'] });
    await eventually(() => expect(f.orders.aborted).toBe(1));
  });

  it('when the origin resets the connection, then it answers a 502 problem', async () => {
    f.orders.behave('reset');

    const res = await send(`${f.url}/v1/orders`, { headers: bearer() });

    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ status: 502, type: 'https://orderly.dev/problems/upstream-error' });
  });

  describe('with instances that cannot be reached', () => {
    let other: TestGateway;
    beforeAll(async () => {
      other = await startGateway({
        ORDERS_URL: await closedPortUrl(),
        REPORTING_URL: 'http://reporting.invalid:3004',
        JWKS_URL: `${f.jwks.url}/v1/auth/.well-known/jwks.json`,
      });
    });
    afterAll(() => other.close());

    it('when the port is closed, then it answers a 502 problem without internal addresses', async () => {
      const res = await send(`${other.url}/v1/orders`, { headers: bearer() });

      expect(res.status).toBe(502);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 502, detail: 'The orders service could not be reached or answered badly.' });
      expect(res.body).not.toContain('127.0.0.1');
    });

    it('when the instance host does not resolve, then it answers a 503 problem', async () => {
      const res = await send(`${other.url}/v1/reports/orders/status`, { headers: bearer() });

      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ status: 503, type: 'https://orderly.dev/problems/upstream-unavailable' });
      expect(res.body).not.toContain('invalid');
    });
  });
});

describe('classifyFailure and upstreamProblem', () => {
  const failure = (code: string) => Object.assign(new Error(code), { code });

  it.each([
    ['ECONNREFUSED', 'refused', 502, true],
    ['EHOSTUNREACH', 'refused', 502, true],
    ['ECONNRESET', 'reset', 502, true],
    ['UND_ERR_SOCKET', 'reset', 502, true],
    ['UND_ERR_CONNECT_TIMEOUT', 'connect-timeout', 504, true],
    ['ENOTFOUND', 'unresolvable', 503, true],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', 504, false],
    ['HPE_INVALID_CONSTANT', 'other', 502, false],
    ['UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'client', 400, false],
  ] as const)('when the pool fails with %s, then it is "%s", answered %d, a connection failure: %s', (code, kind, status, connection) => {
    expect(classifyFailure(failure(code))).toBe(kind);
    expect(upstreamProblem('orders', kind, failure(code)).status).toBe(status);
    expect(isConnectionFailure(kind)).toBe(connection);
  });

  it("when the client's body was too large, then the client is told so and the upstream is not blamed", () => {
    const error = bodyTooLarge(10);

    expect(classifyFailure(error)).toBe('client');
    expect(upstreamProblem('orders', 'client', error)).toEqual({ status: 413, code: 'body-too-large', detail: 'The request body exceeds 10 bytes.' });
  });
});
