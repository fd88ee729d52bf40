/** A signing key for the gateway bench: its JWKS (served by the origin) and access tokens signed like auth signs them. */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export const BENCH_ISSUER = 'orderly-bench-auth';
export const BENCH_AUDIENCE = 'orderly';

export interface BenchKey {
  kid: string;
  privateKey: CryptoKey;
  /** `{"keys":[…]}` with the public key. */
  jwks: string;
}

export async function createBenchKey(): Promise<BenchKey> {
  const kid = `bench-${randomUUID().slice(0, 8)}`;
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { kid, privateKey, jwks: JSON.stringify({ keys: [jwk] }) };
}

/** An access token for `userId` (customer), valid 15 minutes, with every claim SPEC §3 requires. */
export function signAccessToken(key: BenchKey, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['customer'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setIssuer(BENCH_ISSUER)
    .setAudience(BENCH_AUDIENCE)
    .setSubject(userId)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 15 * 60)
    .sign(key.privateKey);
}
