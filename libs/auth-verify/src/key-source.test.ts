import { TokenError, type TokenErrorCode } from './token-error.ts';
import { createTokenVerifier, type RemoteJwksOptions, type TokenVerifier } from './token-verifier.ts';
import { AUDIENCE, createTestKey, ISSUER, signToken, startJwksServer, useFakeDate, type JwksServer, type TestKey } from './test-auth-server.ts';

async function codeOf(promise: Promise<unknown>): Promise<TokenErrorCode | 'accepted'> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    return error.code;
  }
}

/** Waits until the background refresh reached the server (it is not awaited by `verify`). */
async function untilFetches(server: JwksServer, count: number): Promise<void> {
  for (let i = 0; i < 100 && server.fetches < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(server.fetches).toBe(count);
}

const advance = (ms: number) => jest.setSystemTime(Date.now() + ms);

describe('remote JWKS: refetch, rotation and outages', () => {
  let current: TestKey;
  let next: TestKey;
  let server: JwksServer;
  let verifier: TokenVerifier | undefined;
  const warnings: object[] = [];
  const logger = { info: () => {}, warn: (obj: object) => void warnings.push(obj) };

  const create = (options: Partial<RemoteJwksOptions> = {}) => {
    verifier = createTokenVerifier({ jwksUrl: server.url, issuer: ISSUER, audience: AUDIENCE, logger, ...options });
    return verifier;
  };

  beforeAll(async () => {
    [current, next] = await Promise.all([createTestKey('2030-01'), createTestKey('2030-02')]);
  });
  beforeEach(async () => {
    useFakeDate(new Date('2030-01-15T12:00:00Z'));
    warnings.length = 0;
    server = await startJwksServer([current]);
  });
  afterEach(async () => {
    verifier?.close();
    verifier = undefined;
    await server.close();
    jest.useRealTimers();
  });

  it('when a kid is unknown, then the JWKS is refetched once and the token rejected with token_unknown_key', async () => {
    const verifier = create();
    await verifier.warm();
    advance(30_000);
    const token = await signToken(next);

    expect(await codeOf(verifier.verify(token))).toBe('token_unknown_key');
    expect(server.fetches).toBe(2);
  });

  it('when 50 tokens with random kids arrive at once, then the auth service sees one refetch, and none for the same flood again', async () => {
    const verifier = create();
    await verifier.warm();
    advance(30_000);
    const flood = await Promise.all(Array.from({ length: 50 }, () => signToken(current, { header: { kid: crypto.randomUUID() } })));

    const concurrent = await Promise.all(flood.map((token) => codeOf(verifier.verify(token))));
    const sequential: string[] = [];
    for (const token of flood) sequential.push(await codeOf(verifier.verify(token)));

    expect(new Set([...concurrent, ...sequential])).toEqual(new Set(['token_unknown_key']));
    expect(server.fetches).toBe(2);
  });

  it('when the JWKS was fetched less than refetchMinInterval ago, then an unknown kid fails without a refetch, and after it may refetch again', async () => {
    const verifier = create({ refetchMinIntervalMs: 30_000 });
    await verifier.warm();
    advance(30_000);
    await codeOf(verifier.verify(await signToken(next)));

    expect(server.fetches).toBe(2);
    advance(29_000);
    await codeOf(verifier.verify(await signToken(next)));
    expect(server.fetches).toBe(2);
    advance(1_000);
    await codeOf(verifier.verify(await signToken(next)));
    expect(server.fetches).toBe(3);
  });

  it('when the key is rotated, then new-kid tokens verify after one shared refetch and previous-key tokens keep verifying', async () => {
    const verifier = create();
    await verifier.warm();
    const before = await signToken(current);
    await verifier.verify(before);
    advance(30_000);
    server.serve([next, current]);

    const rotated = await Promise.all(Array.from({ length: 20 }, () => signToken(next)));
    const identities = await Promise.all(rotated.map((token) => verifier.verify(token)));
    const stillValid = await verifier.verify(await signToken(current));

    expect(identities).toHaveLength(20);
    expect(stillValid.roles).toEqual(['customer']);
    await expect(verifier.verify(before)).resolves.toMatchObject({ roles: ['customer'] });
    expect(server.fetches).toBe(2);
  });

  it('when the previous key is withdrawn from the JWKS, then its cached tokens are rejected from the next refresh on', async () => {
    const verifier = create({ cacheMaxAgeMs: 60_000 });
    server.serve([next, current]);
    const old = await signToken(current);
    const cached = await verifier.verify(old);
    expect(await verifier.verify(old)).toBe(cached);
    server.serve([next]);

    advance(61_000);
    await verifier.warm();

    expect(await codeOf(verifier.verify(old))).toBe('token_unknown_key');
    await expect(verifier.verify(await signToken(next))).resolves.toMatchObject({ roles: ['customer'] });
  });

  it('when the JWKS is older than cacheMaxAge, then it keeps serving while one background refresh runs', async () => {
    const verifier = create({ cacheMaxAgeMs: 60_000 });
    await verifier.warm();
    server.serve([next, current]);

    advance(61_000);
    await expect(verifier.verify(await signToken(current))).resolves.toBeDefined();
    await untilFetches(server, 2);
    await verifier.verify(await signToken(current));

    await expect(verifier.verify(await signToken(next))).resolves.toBeDefined();
    expect(server.fetches).toBe(2);
  });

  it('when the auth service is down, then cached keys serve until maxStale, refetches stay rate-limited, then keys_unavailable (503)', async () => {
    const verifier = create({ cacheMaxAgeMs: 60_000, maxStaleMs: 300_000, refetchMinIntervalMs: 30_000 });
    await verifier.warm();
    server.behave('fail');

    advance(61_000);
    await verifier.verify(await signToken(current));
    await untilFetches(server, 2);
    for (let i = 0; i < 20; i += 1) {
      await verifier.verify(await signToken(current));
      await codeOf(verifier.verify(await signToken(current, { header: { kid: `random-${i}` } })));
    }
    expect(server.fetches).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reason: expect.stringContaining('HTTP 500') });

    advance(240_000);
    const failed = verifier.verify(await signToken(current));
    await expect(failed).rejects.toBeInstanceOf(TokenError);
    await expect(failed).rejects.toMatchObject({ code: 'keys_unavailable', statusCode: 503 });
    expect(await codeOf(verifier.verify(await signToken(current)))).toBe('keys_unavailable');
    expect(server.fetches).toBe(3);

    server.behave('ok');
    advance(1_000);
    await expect(verifier.verify(await signToken(current))).resolves.toBeDefined();
    expect(server.fetches).toBe(4);
  });

  it('when the JWKS cannot be loaded at start, then verify fails with keys_unavailable and warm rejects', async () => {
    server.behave('fail');
    const verifier = create();

    const codes = await Promise.all(Array.from({ length: 10 }, async () => codeOf(verifier.verify(await signToken(current)))));

    expect(new Set(codes)).toEqual(new Set(['keys_unavailable']));
    expect(server.fetches).toBe(1);
    await expect(verifier.warm()).rejects.toThrow('HTTP 500');
  });

  it('when the JWKS endpoint hangs, then the fetch times out and verify fails with keys_unavailable', async () => {
    server.behave('hang');
    const verifier = create({ fetchTimeoutMs: 100 });
    const startedAt = performance.now();

    expect(await codeOf(verifier.verify(await signToken(current)))).toBe('keys_unavailable');
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    expect(warnings[0]).toMatchObject({ reason: expect.stringContaining('TimeoutError') });
  });

  it('when the verifier is closed during a fetch, then the fetch is aborted and nothing is logged', async () => {
    server.behave('hang');
    const verifier = create({ fetchTimeoutMs: 10_000 });
    const pending = verifier.warm();

    await untilFetches(server, 1);
    verifier.close();

    await expect(pending).rejects.toThrow();
    expect(warnings).toHaveLength(0);
  });
});
