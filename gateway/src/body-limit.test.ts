import { startFixture, type Fixture } from '../test/fixture.ts';
import { send } from '../test/gateway.ts';

let f: Fixture;
const bearer = () => ({ authorization: `Bearer ${f.token}` });

beforeAll(async () => {
  f = await startFixture({ BODY_LIMIT: '1024' });
});
afterAll(() => f.close());
beforeEach(() => f.reset());

describe('body limit', () => {
  it('when the body is within BODY_LIMIT, then it is streamed to the origin intact', async () => {
    const body = 'y'.repeat(1024);

    const res = await send(`${f.url}/v1/orders`, { method: 'POST', headers: { ...bearer(), 'content-type': 'text/plain' }, body });

    expect(res.status).toBe(200);
    expect(f.orders.requests[0]!.body).toBe(body);
  });

  it('when the declared body exceeds BODY_LIMIT, then it answers a 413 problem and no origin is asked', async () => {
    const res = await send(`${f.url}/v1/orders`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json', 'content-length': '2048' },
      body: 'x'.repeat(2048),
    });

    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ status: 413, type: 'https://orderly.dev/problems/body-too-large' });
    expect(f.upstreamRequests()).toBe(0);
  });

  it('when a chunked body exceeds BODY_LIMIT, then it answers a 413 problem and no origin gets the whole body', async () => {
    const res = await send(`${f.url}/v1/orders`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(4096),
    });

    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ status: 413, type: 'https://orderly.dev/problems/body-too-large' });
    expect(f.upstreamRequests()).toBe(0);
  });
});
