/**
 * Test harness: an Ed25519 signing key made with jose, access tokens signed the way the auth
 * service signs them (kid, iss, aud, sub, roles, jti, iat, exp), and the JWKS that publishes the key.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const ISSUER = 'orderly-auth';
export const AUDIENCE = 'orderly';
export const JWKS_PATH = '/v1/auth/.well-known/jwks.json';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

export function jwksOf(...keys: SigningKey[]): string {
  return JSON.stringify({ keys: keys.map((key) => key.publicJwk) });
}

export interface TokenClaims {
  sub?: string;
  roles?: string[];
  /** Seconds from now; negative for a token that has already expired. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
}

export function signAccessToken(key: SigningKey, claims: TokenClaims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: claims.roles ?? ['customer'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setIssuer(claims.issuer ?? ISSUER)
    .setAudience(claims.audience ?? AUDIENCE)
    .setSubject(claims.sub ?? '0190a5a0-0000-7000-8000-000000000001')
    .setJti(randomUUID())
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (claims.expiresIn ?? 900))
    .sign(key.privateKey);
}
