/**
 * Test harness: signing keys made with jose, tokens signed the way the auth service signs them, and
 * a real JWKS endpoint on port 0 that counts its requests and can be told to fail or hang.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const ISSUER = 'https://auth.orderly.test';
export const AUDIENCE = 'orderly-api';

export interface TestKey {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function createTestKey(kid: string, alg: TestKey['alg'] = 'EdDSA'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

export interface TokenOverrides {
  claims?: JWTPayload;
  /** Header fields to change (e.g. `kid`); `alg` is the key's. */
  header?: Record<string, unknown>;
  expiresAt?: number;
}

/** Signs an access token like the auth service: `iss`, `aud`, `sub`, `roles`, `iat`, `exp`, `jti`. */
export function signToken(key: TestKey, overrides: TokenOverrides = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: '0190a5a0-0000-7000-8000-000000000001',
    roles: ['customer'],
    jti: crypto.randomUUID(),
    iat: now,
    exp: overrides.expiresAt ?? now + 15 * 60,
    ...overrides.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...overrides.header })
    .sign(key.privateKey);
}

export interface JwksServer {
  url: string;
  /** Requests received so far. */
  readonly fetches: number;
  serve(keys: TestKey[]): void;
  /** `ok` serves the keys; `fail` answers 500; `hang` never answers. */
  behave(mode: 'ok' | 'fail' | 'hang'): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: TestKey[]): Promise<JwksServer> {
  let served = keys;
  let mode: 'ok' | 'fail' | 'hang' = 'ok';
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    fetches += 1;
    if (mode === 'hang') return;
    if (mode === 'fail') {
      response.writeHead(500).end('down');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    response.end(JSON.stringify({ keys: served.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1/auth/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    serve(next) {
      served = next;
    },
    behave(next) {
      mode = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Fakes only `Date` (so `jest.setSystemTime` moves the clock the verifier and jose read), while
 * sockets, fetch time-outs and promises keep running on real timers. Undo with `jest.useRealTimers()`.
 */
export function useFakeDate(now: Date): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
