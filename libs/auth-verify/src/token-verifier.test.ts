import { base64url, SignJWT } from 'jose';
import { TokenError, type TokenErrorCode } from './token-error.ts';
import { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './token-verifier.ts';
import { AUDIENCE, createTestKey, ISSUER, signToken, startJwksServer, useFakeDate, type JwksServer, type TestKey } from './test-auth-server.ts';

async function expectTokenError(promise: Promise<unknown>, code: TokenErrorCode): Promise<TokenError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a TokenError ${code}, but the token was accepted`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TokenError);
  expect(error).toMatchObject({ code });
  return error as TokenError;
}

const encodeJson = (value: unknown): string => base64url.encode(JSON.stringify(value));

describe('createTokenVerifier: token checks', () => {
  let key: TestKey;
  let otherKey: TestKey;
  let server: JwksServer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    [key, otherKey] = await Promise.all([createTestKey('key-1'), createTestKey('key-2')]);
    server = await startJwksServer([key]);
    verifier = createTokenVerifier({ jwksUrl: server.url, issuer: ISSUER, audience: AUDIENCE });
  });
  afterAll(async () => {
    verifier.close();
    await server.close();
  });

  it('when the token is valid, then it resolves the identity and fetched the JWKS once', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const token = await signToken(key, { claims: { roles: ['customer', 'admin'], jti: 'token-1' }, expiresAt });

    const identity = await verifier.verify(token);
    await verifier.verify(await signToken(key));

    expect(identity).toEqual({
      userId: '0190a5a0-0000-7000-8000-000000000001',
      roles: ['customer', 'admin'],
      tokenId: 'token-1',
      expiresAt,
    });
    expect(Object.isFrozen(identity) && Object.isFrozen(identity.roles)).toBe(true);
    expect(server.fetches).toBe(1);
  });

  it('when the payload is tampered with, then it rejects with token_invalid', async () => {
    const [header, payload, signature] = (await signToken(key)).split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<string, unknown>;
    const forged = `${header}.${encodeJson({ ...claims, roles: ['admin'] })}.${signature}`;

    const error = await expectTokenError(verifier.verify(forged), 'token_invalid');
    expect(error.message).toBe('bad signature');
    expect(error.statusCode).toBe(401);
  });

  it('when the signature is altered, then it rejects with token_invalid', async () => {
    const token = await signToken(key);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const bytes = base64url.decode(signature);
    bytes[10] = bytes[10]! ^ 0xff;

    await expectTokenError(verifier.verify(`${header}.${payload}.${base64url.encode(bytes)}`), 'token_invalid');
  });

  it('when the token is signed by a key that is not in the JWKS under a listed kid, then it rejects', async () => {
    const token = await signToken(otherKey, { header: { kid: key.kid } });

    await expectTokenError(verifier.verify(token), 'token_invalid');
  });

  it('when the token is unsigned (alg none), then it rejects with token_invalid', async () => {
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'u1', roles: ['admin'], jti: 'j', exp: Math.floor(Date.now() / 1000) + 600 };
    const unsigned = `${encodeJson({ alg: 'none', kid: key.kid, typ: 'JWT' })}.${encodeJson(claims)}.`;
    const withJunkSignature = `${unsigned}c2lnbmF0dXJl`;

    await expectTokenError(verifier.verify(unsigned), 'token_invalid');
    const error = await expectTokenError(verifier.verify(withJunkSignature), 'token_invalid');
    expect(error.message).toBe('algorithm not allowed');
  });

  it('when the token is HS256-signed with the public key as secret, then it rejects without touching the JWKS', async () => {
    const fetchesBefore = server.fetches;
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const token = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('u1')
      .setJti('j')
      .setExpirationTime('10m')
      .sign(secret);
    const rawKeySecret = base64url.decode(key.publicJwk.x!);
    const tokenWithRawKey = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('u1')
      .setJti('j')
      .setExpirationTime('10m')
      .sign(rawKeySecret);

    const error = await expectTokenError(verifier.verify(token), 'token_invalid');
    await expectTokenError(verifier.verify(tokenWithRawKey), 'token_invalid');
    expect(error.message).toBe('algorithm not allowed');
    expect(server.fetches).toBe(fetchesBefore);
  });

  it('when the token has expired, then it rejects with token_expired', async () => {
    const token = await signToken(key, { expiresAt: Math.floor(Date.now() / 1000) - 60 });

    const error = await expectTokenError(verifier.verify(token), 'token_expired');
    expect(error.statusCode).toBe(401);
  });

  it('when the audience or the issuer is wrong, then it rejects with token_invalid naming the claim', async () => {
    const wrongAudience = await signToken(key, { claims: { aud: 'another-api' } });
    const wrongIssuer = await signToken(key, { claims: { iss: 'https://evil.example' } });

    expect((await expectTokenError(verifier.verify(wrongAudience), 'token_invalid')).message).toBe('invalid "aud" claim');
    expect((await expectTokenError(verifier.verify(wrongIssuer), 'token_invalid')).message).toBe('invalid "iss" claim');
  });

  it('when a required claim is missing or roles is not an array of strings, then it rejects with token_invalid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noExp = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('u1')
      .setJti('j')
      .sign(key.privateKey);
    const noJti = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('u1')
      .setExpirationTime(now + 600)
      .sign(key.privateKey);
    const emptySub = await signToken(key, { claims: { sub: '' } });
    const badRoles = await signToken(key, { claims: { roles: ['customer', 7] } });
    const noRoles = await signToken(key, { claims: { roles: undefined } });

    expect((await expectTokenError(verifier.verify(noExp), 'token_invalid')).message).toBe('missing "exp" claim');
    expect((await expectTokenError(verifier.verify(noJti), 'token_invalid')).message).toBe('missing "jti" claim');
    await expectTokenError(verifier.verify(emptySub), 'token_invalid');
    expect((await expectTokenError(verifier.verify(badRoles), 'token_invalid')).message).toBe('invalid "roles" claim');
    await expectTokenError(verifier.verify(noRoles), 'token_invalid');
  });

  it('when the header has no kid, then it rejects with token_invalid', async () => {
    const token = await signToken(key, { header: { kid: undefined } });

    expect((await expectTokenError(verifier.verify(token), 'token_invalid')).message).toBe('missing "kid" header');
  });

  it('when the token is empty or not a compact JWS, then it rejects with token_missing or token_invalid', async () => {
    await expectTokenError(verifier.verify(''), 'token_missing');
    await expectTokenError(verifier.verify('not-a-token'), 'token_invalid');
    await expectTokenError(verifier.verify('a.b.c'), 'token_invalid');
    await expectTokenError(verifier.verify(`${'a'.repeat(9000)}.b.c`), 'token_invalid');
  });

  it('when the key set holds an ES256 key too, then ES256 tokens verify', async () => {
    const ecKey = await createTestKey('ec-1', 'ES256');
    const ecServer = await startJwksServer([key, ecKey]);
    const ecVerifier = createTokenVerifier({ jwksUrl: ecServer.url, issuer: ISSUER, audience: AUDIENCE });
    try {
      await expect(ecVerifier.verify(await signToken(ecKey))).resolves.toMatchObject({ roles: ['customer'] });
    } finally {
      ecVerifier.close();
      await ecServer.close();
    }
  });
});

describe('createTokenVerifier: verdict cache', () => {
  let key: TestKey;
  let server: JwksServer;

  beforeAll(async () => {
    key = await createTestKey('key-1');
    server = await startJwksServer([key]);
  });
  afterAll(() => server.close());
  afterEach(() => jest.useRealTimers());

  const create = (options: Partial<TokenVerifierOptions> = {}) =>
    createTokenVerifier({ jwksUrl: server.url, issuer: ISSUER, audience: AUDIENCE, ...options } as TokenVerifierOptions);

  it('when the same token is verified twice, then the second answer comes from the cache', async () => {
    const verifier = create();
    const token = await signToken(key);

    const first = await verifier.verify(token);
    const second = await verifier.verify(token);

    expect(second).toBe(first);
    verifier.close();
  });

  it('when the cache is disabled, then every verification is a full one', async () => {
    const verifier = create({ tokenCacheSize: 0 });
    const token = await signToken(key);

    const first = await verifier.verify(token);
    const second = await verifier.verify(token);

    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    verifier.close();
  });

  it('when a cached token reaches its exp, then it is rejected as expired, never answered from the cache', async () => {
    useFakeDate(new Date('2030-01-01T00:00:00Z'));
    const verifier = create({ clockToleranceSec: 0 });
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    const token = await signToken(key, { expiresAt });
    await verifier.verify(token);
    await verifier.verify(token);

    jest.setSystemTime(expiresAt * 1000 - 1);
    await expect(verifier.verify(token)).resolves.toMatchObject({ expiresAt });
    jest.setSystemTime(expiresAt * 1000);
    await expectTokenError(verifier.verify(token), 'token_expired');
    verifier.close();
  });

  it('when a cached token is inside the clock tolerance past exp, then it is re-verified rather than served from the cache', async () => {
    useFakeDate(new Date('2030-01-01T00:00:00Z'));
    const verifier = create({ clockToleranceSec: 5 });
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    const token = await signToken(key, { expiresAt });
    const cached = await verifier.verify(token);

    jest.setSystemTime(expiresAt * 1000 + 2_000);
    const late = await verifier.verify(token);
    jest.setSystemTime(expiresAt * 1000 + 6_000);

    expect(late).not.toBe(cached);
    await expectTokenError(verifier.verify(token), 'token_expired');
    verifier.close();
  });
});

describe('createTokenVerifier: local key set', () => {
  it('when given a JWKS object, then it verifies without any HTTP and rejects unknown kids at once', async () => {
    const [key, stranger] = await Promise.all([createTestKey('key-1'), createTestKey('stranger')]);
    const verifier = createTokenVerifier({ jwks: { keys: [key.publicJwk] }, issuer: ISSUER, audience: AUDIENCE });

    await expect(verifier.verify(await signToken(key))).resolves.toMatchObject({ roles: ['customer'] });
    await expectTokenError(verifier.verify(await signToken(stranger)), 'token_unknown_key');
    await expect(verifier.warm()).resolves.toBeUndefined();
  });

  it('when the JWKS object holds a private key, then tokens are refused as a server-side key problem', async () => {
    const key = await createTestKey('key-1');
    const { exportJWK } = await import('jose');
    const privateJwk = { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: key.alg };
    const verifier = createTokenVerifier({ jwks: { keys: [privateJwk] }, issuer: ISSUER, audience: AUDIENCE });

    const error = await expectTokenError(verifier.verify(await signToken(key)), 'keys_unavailable');
    expect(error.statusCode).toBe(503);
  });
});

describe('createTokenVerifier: options', () => {
  const base = { issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://127.0.0.1:1/jwks.json' };

  it.each([
    [{ ...base, algorithms: ['HS256'] }, '"algorithms"'],
    [{ ...base, algorithms: ['none'] }, '"algorithms"'],
    [{ ...base, algorithms: [] }, '"algorithms"'],
    [{ ...base, issuer: '' }, '"issuer"'],
    [{ ...base, audience: [] }, '"audience"'],
    [{ ...base, jwksUrl: 'ftp://x/jwks' }, '"jwksUrl"'],
    [{ ...base, jwksUrl: 'not a url' }, '"jwksUrl"'],
    [{ ...base, jwks: { keys: [] } }, 'exactly one'],
    [{ issuer: ISSUER, audience: AUDIENCE }, 'exactly one'],
    [{ ...base, clockToleranceSec: 600 }, '"clockToleranceSec"'],
    [{ ...base, fetchTimeoutMs: 0 }, '"fetchTimeoutMs"'],
    [{ ...base, cacheMaxAgeMs: 60_000, maxStaleMs: 1_000 }, '"maxStaleMs"'],
    [{ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: 'nope' } }, '"jwks"'],
  ])('when an option is bad (%j), then it throws a TypeError naming it', (options, name) => {
    expect(() => createTokenVerifier(options as unknown as TokenVerifierOptions)).toThrow(TypeError);
    expect(() => createTokenVerifier(options as unknown as TokenVerifierOptions)).toThrow(name);
  });

  it('when the verifier is closed, then verify rejects with a plain error', async () => {
    const verifier = createTokenVerifier(base);
    verifier.close();

    await expect(verifier.verify('a.b.c')).rejects.toThrow('closed');
    await expect(verifier.verify('a.b.c')).rejects.not.toBeInstanceOf(TokenError);
  });
});
