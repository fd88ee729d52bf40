import { Readable } from 'node:stream';
import { startFixture, type Fixture } from '../test/fixture.ts';
import { send, type Sent } from '../test/gateway.ts';
import { readSmallBody, submittedEmail } from './login-body.ts';

let f: Fixture;
const json = { 'content-type': 'application/json' };
const login = (email: string, path = '/v1/auth/login') =>
  send(f.url + path, { method: 'POST', headers: json, body: JSON.stringify({ email, password: 'correct horse battery' }) });
const statuses = (responses: Sent[]) => responses.map((res) => res.status);

beforeAll(async () => {
  f = await startFixture({ LOGIN_RATE_LIMIT_MAX: '2', LOGIN_IP_RATE_LIMIT_MAX: '5', LOGIN_RATE_LIMIT_WINDOW: '60s', RATE_LIMIT_MAX: '1' });
});
afterAll(() => f.close());
beforeEach(() => f.reset());

describe('login and register limits', () => {
  it('when one e-mail is tried too often from one address, then a 429 with the login policies answers, in any letter case', async () => {
    const results = [await login('alice@example.com'), await login(' Alice@Example.COM'), await login('alice@example.com')];

    expect(statuses(results)).toEqual([200, 200, 429]);
    expect(results[0]!.headers['ratelimit-policy']).toBe('"login";q=2;w=60, "login-ip";q=5;w=60');
    expect(results[0]!.headers['ratelimit']).toBe('"login";r=1;t=60, "login-ip";r=4;t=60');
    expect(results[2]!.headers['retry-after']).toBeDefined();
    expect(results[2]!.json()).toMatchObject({ status: 429, type: 'https://orderly.dev/problems/rate-limited' });
    expect(f.auth.requests).toHaveLength(2);
  });

  it('when other e-mails are tried from the same address, then they pass until the per-address ceiling', async () => {
    const results: Sent[] = [];
    for (const email of ['b@x.test', 'c@x.test', 'd@x.test', 'e@x.test']) results.push(await login(email, '/v1/auth/register'));

    // alice@example.com took 2 of the 5 attempts the address has (register and login share them).
    expect(statuses(results)).toEqual([200, 200, 200, 429]);
    expect(results[3]!.headers['ratelimit']).toMatch(/^"login";r=1;t=60, "login-ip";r=0;t=(59|60)$/);
  });

  it('when login is limited, then it neither uses nor is blocked by the general budget', async () => {
    const general = await send(`${f.url}/v1/auth/refresh`, { method: 'POST', headers: json, body: '{}' });

    expect(general.status).toBe(200);
    expect(general.headers['ratelimit-policy']).toBe('"default";q=1;w=60');
  });
});

describe('the body on its way to auth', () => {
  it('when a login is limited by its e-mail, then the auth service receives the exact bytes, headers and length', async () => {
    const fresh = await startFixture();
    try {
      const body = '{"password":"pässwörd","email":"zoë@example.com" }';

      const res = await send(`${fresh.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body });

      expect(res.status).toBe(200);
      expect(fresh.auth.requests[0]!.body).toBe(body);
      expect(fresh.auth.requests[0]!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
      expect(fresh.auth.requests[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    } finally {
      await fresh.close();
    }
  });

  it('when a chunked login body arrives, then it is forwarded whole', async () => {
    const fresh = await startFixture();
    try {
      const body = JSON.stringify({ email: 'chunked@example.com', password: 'x'.repeat(2000) });

      const res = await send(`${fresh.url}/v1/auth/register`, { method: 'POST', headers: { ...json, 'transfer-encoding': 'chunked' }, body });

      expect(res.status).toBe(200);
      expect(fresh.auth.requests[0]!.body).toBe(body);
    } finally {
      await fresh.close();
    }
  });

  it('when a login body is larger than a login can be, then a 413 problem answers and auth is not asked', async () => {
    const res = await send(`${f.url}/v1/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'big@x.test', pad: 'x'.repeat(9000) }) });

    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ status: 413, type: 'https://orderly.dev/problems/body-too-large' });
    expect(f.auth.requests).toHaveLength(0);
  });
});

describe('readSmallBody and submittedEmail', () => {
  it('when a stream is within the limit, then its bytes are read and an identical stream is handed on', async () => {
    const { bytes, replay } = await readSmallBody(Readable.from([Buffer.from('ab'), Buffer.from('c')]), {}, 3);

    expect(bytes.toString()).toBe('abc');
    expect(Buffer.concat(await replay.toArray()).toString()).toBe('abc');
  });

  it('when a stream exceeds the limit, then it fails with a 413', async () => {
    await expect(readSmallBody(Readable.from([Buffer.from('abcd')]), {}, 3)).rejects.toMatchObject({ status: 413 });
  });

  it.each([
    ['{"email":"  Bob@Example.COM "}', 'application/json', 'bob@example.com'],
    ['{"email":"bob@example.com"}', 'application/vnd.api+json', 'bob@example.com'],
    ['{"email":42}', 'application/json', ''],
    ['not json', 'application/json', ''],
    ['email=bob@example.com', 'application/x-www-form-urlencoded', ''],
    ['null', 'application/json', ''],
  ])('when the body is %s (%s), then the e-mail is %j', (body, contentType, expected) => {
    expect(submittedEmail(Buffer.from(body), contentType)).toBe(expected);
  });
});
