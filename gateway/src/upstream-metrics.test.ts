import { startFixture, type Fixture } from '../test/fixture.ts';
import { send } from '../test/gateway.ts';

let f: Fixture;
const bearer = () => ({ authorization: `Bearer ${f.token}` });

beforeAll(async () => {
  f = await startFixture({ UPSTREAM_TIMEOUT_MS: '200' });
});
afterAll(() => f.close());

const count = (body: string, service: string, statusClass: string) =>
  Number(new RegExp(`orderly_gateway_upstream_request_duration_seconds_count\\{service="${service}",status_class="${statusClass}"\\} (\\d+)`).exec(body)?.[1]);

describe('upstream metrics', () => {
  it('when requests were proxied, then /metrics counts them by service and status class, failures as "error"', async () => {
    await send(`${f.url}/v1/reports/orders/status`, { headers: bearer() });
    await send(`${f.url}/v1/reports/orders/status`, { headers: bearer() });
    f.auth.handle((_request, response) => void response.writeHead(404).end());
    await send(`${f.url}/v1/auth/me`, { headers: bearer() });
    f.orders.behave('hang');
    await send(`${f.url}/v1/orders`, { headers: bearer() });

    const res = await send(`${f.url}/metrics`);

    expect(res.status).toBe(200);
    expect(count(res.body, 'reporting', '2xx')).toBe(2);
    expect(count(res.body, 'auth', '4xx')).toBe(1);
    expect(count(res.body, 'orders', 'error')).toBe(1);
    expect(res.body).not.toMatch(/upstream_request_duration_seconds_count\{service="notifications"/);
  });
});
