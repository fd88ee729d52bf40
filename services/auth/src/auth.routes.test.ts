import { createLocalJWKSet, decodeJwt, jwtVerify, SignJWT, importPKCS8, type JWK } from 'jose';
import { startAuthForTest, newSigningKeyPem, type AuthTestContext } from '../test/auth-harness.ts';

let ctx: AuthTestContext;

beforeAll(async () => {
  ctx = await startAuthForTest({ PASSWORD_HASH_CONCURRENCY: '2' });
});
afterAll(() => ctx.close());

const json = { 'content-type': 'application/json' };
const inject = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = {}) =>
  ctx.service.app.inject({
    method,
    url,
    headers: body === undefined ? headers : { ...json, ...headers },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

let n = 0;
const uniqueEmail = () => `user${++n}-${Date.now()}@example.com`;
const PASSWORD = 'correct horse battery';

async function register(email = uniqueEmail(), extra: Record<string, unknown> = {}) {
  const res = await inject('POST', '/v1/auth/register', { email, password: PASSWORD, ...extra });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function loginAs(email: string, password = PASSWORD) {
  const res = await inject('POST', '/v1/auth/login', { email, password });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function countRows(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await ctx.admin.query(sql, params);
  return Number(rows[0].n);
}

describe('POST /v1/auth/register', () => {
  it('when the input is valid, then it answers 201 with the user and enqueues user.registered', async () => {
    const email = uniqueEmail();
    const res = await inject('POST', '/v1/auth/register', { email, password: PASSWORD, name: 'Ada' });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email, name: 'Ada', roles: ['customer'], createdAt: expect.any(String) });
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
    const { rows } = await ctx.admin.query('SELECT type, payload FROM auth.outbox WHERE payload->>\'subject\' = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe('orderly.user.registered.v1');
    expect(rows[0].payload).toMatchObject({
      specversion: '1.0',
      source: '/auth',
      subject: user.id,
      correlationid: res.headers['x-request-id'],
      data: { userId: user.id, email, name: 'Ada' },
    });
  });

  it('when the e-mail exists in another case, then it answers 409 and stores nothing new', async () => {
    const email = uniqueEmail();
    await register(email);
    const before = await countRows('SELECT count(*) AS n FROM auth.users');
    const res = await inject('POST', '/v1/auth/register', { email: email.toUpperCase(), password: PASSWORD });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await countRows('SELECT count(*) AS n FROM auth.users')).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"email": "a@b.co", "password": '],
    ['a missing password', { email: 'x1@example.com' }],
    ['a bad e-mail', { email: 'not-an-email', password: PASSWORD }],
    ['a short password', { email: 'x2@example.com', password: 'short' }],
    ['a password over 128 characters', { email: 'x3@example.com', password: 'p'.repeat(129) }],
    ['a number as the name', { email: 'x4@example.com', password: PASSWORD, name: 42 }],
    ['an unknown field', { email: 'x5@example.com', password: PASSWORD, roles: ['admin'] }],
    ['a huge e-mail', { email: `${'a'.repeat(100_000)}@example.com`, password: PASSWORD }],
    ['an array body', [1, 2, 3]],
  ])('when the body has %s, then it answers 400 and stores nothing', async (_case, body) => {
    const before = await countRows('SELECT count(*) AS n FROM auth.users');
    const outbox = await countRows('SELECT count(*) AS n FROM auth.outbox');
    const res = await inject('POST', '/v1/auth/register', body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, title: 'Bad Request', requestId: expect.any(String) });
    expect(await countRows('SELECT count(*) AS n FROM auth.users')).toBe(before);
    expect(await countRows('SELECT count(*) AS n FROM auth.outbox')).toBe(outbox);
  });

  it('when the password is stored, then it is an argon2id hash with OWASP parameters', async () => {
    const user = await register();
    const { rows } = await ctx.admin.query('SELECT password_hash FROM auth.users WHERE id = $1', [user.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});

describe('POST /v1/auth/login', () => {
  it('when the credentials are right, then it answers 200 with a token pair and a signed access token', async () => {
    const email = uniqueEmail();
    const user = await register(email);
    const res = await inject('POST', '/v1/auth/login', { email: email.toUpperCase(), password: PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    const claims = decodeJwt(body.accessToken);
    expect(claims).toMatchObject({ sub: user.id, roles: ['customer'], iss: 'orderly-auth', aud: 'orderly', jti: expect.any(String) });
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it('when the password is wrong or the e-mail unknown, then both answer the same 401', async () => {
    const email = uniqueEmail();
    await register(email);
    const wrong = await inject('POST', '/v1/auth/login', { email, password: 'wrong password!' });
    const unknown = await inject('POST', '/v1/auth/login', { email: uniqueEmail(), password: 'wrong password!' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
  });

  it('when the body is invalid, then it answers 400', async () => {
    expect((await inject('POST', '/v1/auth/login', { email: 'a@b.co' })).statusCode).toBe(400);
    expect((await inject('POST', '/v1/auth/login', { email: 'a@b.co', password: 'x', extra: 1 })).statusCode).toBe(400);
  });
});

describe('POST /v1/auth/refresh and /logout', () => {
  it('when a refresh token is used, then new tokens come back and the old one is spent', async () => {
    const email = uniqueEmail();
    await register(email);
    const first = await loginAs(email);
    const res = await inject('POST', '/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(res.statusCode).toBe(200);
    const second = res.json();
    expect(second).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it('when a spent refresh token is presented again, then it answers 401 and revokes the whole family', async () => {
    const email = uniqueEmail();
    await register(email);
    const first = await loginAs(email);
    const second = (await inject('POST', '/v1/auth/refresh', { refreshToken: first.refreshToken })).json();
    const reuse = await inject('POST', '/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(reuse.statusCode).toBe(401);
    const afterReuse = await inject('POST', '/v1/auth/refresh', { refreshToken: second.refreshToken });
    expect(afterReuse.statusCode).toBe(401);
  });

  it('when two refreshes race with one token, then at most one succeeds', async () => {
    const email = uniqueEmail();
    await register(email);
    const { refreshToken } = await loginAs(email);
    const results = await Promise.all([1, 2, 3].map(() => inject('POST', '/v1/auth/refresh', { refreshToken })));
    expect(results.filter((r) => r.statusCode === 200).length).toBeLessThanOrEqual(1);
  });

  it('when the token is unknown or expired, then it answers 401', async () => {
    expect((await inject('POST', '/v1/auth/refresh', { refreshToken: 'made-up' })).statusCode).toBe(401);
    const email = uniqueEmail();
    await register(email);
    const { refreshToken } = await loginAs(email);
    await ctx.admin.query("UPDATE auth.refresh_tokens SET expires_at = now() - interval '1 second'");
    expect((await inject('POST', '/v1/auth/refresh', { refreshToken })).statusCode).toBe(401);
  });

  it('when logging out, then it answers 204 and the family can no longer refresh', async () => {
    const email = uniqueEmail();
    await register(email);
    const first = await loginAs(email);
    const second = (await inject('POST', '/v1/auth/refresh', { refreshToken: first.refreshToken })).json();
    const res = await inject('POST', '/v1/auth/logout', { refreshToken: second.refreshToken });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await inject('POST', '/v1/auth/refresh', { refreshToken: second.refreshToken })).statusCode).toBe(401);
  });
});

describe('GET /v1/auth/me and access tokens', () => {
  let email: string;
  let user: { id: string };
  let accessToken: string;
  beforeAll(async () => {
    email = uniqueEmail();
    user = await register(email, { name: 'Grace' });
    accessToken = (await loginAs(email)).accessToken;
  });
  const me = (token: string) => inject('GET', '/v1/auth/me', undefined, { authorization: `Bearer ${token}` });
  const signed = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}, pem = ctx.privateKeyPem) =>
    new SignJWT({ roles: ['customer'], ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: ctx.deps.keys.kid, ...header })
      .setIssuer((claims.iss as string) ?? 'orderly-auth')
      .setAudience((claims.aud as string) ?? 'orderly')
      .setSubject(user.id)
      .setJti('j-1')
      .setIssuedAt()
      .setExpirationTime((claims.exp as number) ?? '5m')
      .sign(await importPKCS8(pem, 'EdDSA'));

  it('when the token is valid, then it answers 200 with the user', async () => {
    const res = await me(accessToken);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: user.id, email, name: 'Grace', roles: ['customer'], createdAt: expect.any(String) });
  });

  it('when the access token is checked with an independent JWT library against the published JWKS, then it verifies', async () => {
    const jwks = await inject('GET', '/v1/auth/.well-known/jwks.json');
    expect(jwks.statusCode).toBe(200);
    expect(jwks.headers['cache-control']).toContain('max-age');
    const keys = jwks.json().keys as JWK[];
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty('d');
    const { payload } = await jwtVerify(accessToken, createLocalJWKSet({ keys }), { issuer: 'orderly-auth', audience: 'orderly' });
    expect(payload.sub).toBe(user.id);
  });

  it('when there is no token, then it answers 401 with WWW-Authenticate', async () => {
    const res = await inject('GET', '/v1/auth/me');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['tampered', async () => {
      const [h, p, s] = accessToken.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      return `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${s}`;
    }],
    ['alg none', async () => {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: user.id, roles: ['admin'], iss: 'orderly-auth', aud: 'orderly', iat: now, exp: now + 60, jti: 'x' })}.`;
    }],
    ['expired', () => signed({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ['for another audience', () => signed({ aud: 'someone-else' })],
    ['from another issuer', () => signed({ iss: 'evil' })],
    ['signed with an unknown kid', () => signed({}, { kid: 'unknown-kid' }, newSigningKeyPem())],
    ['signed by another key under our kid', () => signed({}, {}, newSigningKeyPem())],
    ['garbage', async () => 'not.a.jwt'],
  ])('when the token is %s, then it answers 401', async (_case, make) => {
    const res = await me(await make());
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('PUT /v1/auth/users/:id/roles', () => {
  let adminToken: string;
  let customerToken: string;
  let target: { id: string };
  beforeAll(async () => {
    const adminEmail = uniqueEmail();
    await register(adminEmail);
    await ctx.admin.query("UPDATE auth.users SET roles = '{customer,admin}' WHERE email = $1", [adminEmail]);
    adminToken = (await loginAs(adminEmail)).accessToken;
    const customerEmail = uniqueEmail();
    await register(customerEmail);
    customerToken = (await loginAs(customerEmail)).accessToken;
    target = await register();
  });
  const put = (id: string, body: unknown, token?: string) =>
    inject('PUT', `/v1/auth/users/${id}/roles`, body, token ? { authorization: `Bearer ${token}` } : {});

  it('when an admin sets roles, then it answers 200 with the updated user', async () => {
    const res = await put(target.id, { roles: ['customer', 'admin'] }, adminToken);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: target.id, roles: ['customer', 'admin'] });
  });

  it('when a customer calls it, then it answers 403 and changes nothing', async () => {
    const res = await put(target.id, { roles: ['admin'] }, customerToken);
    expect(res.statusCode).toBe(403);
  });

  it('when nobody is signed in, then it answers 401', async () => {
    expect((await put(target.id, { roles: ['admin'] })).statusCode).toBe(401);
  });

  it.each([
    [{ roles: ['root'] }],
    [{ roles: [] }],
    [{ roles: ['admin', 'admin'] }],
    [{ roles: 'admin' }],
    [{ roles: ['admin'], extra: true }],
  ])('when the body is %j, then it answers 400', async (body) => {
    expect((await put(target.id, body, adminToken)).statusCode).toBe(400);
  });

  it('when the user does not exist, then it answers 404; a malformed id answers 400', async () => {
    expect((await put('0190f1d2-7b8a-7c3d-9e4f-0a1b2c3d4e5f', { roles: ['admin'] }, adminToken)).statusCode).toBe(404);
    expect((await put('nope', { roles: ['admin'] }, adminToken)).statusCode).toBe(400);
  });
});
