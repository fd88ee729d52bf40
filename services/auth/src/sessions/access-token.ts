import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKeys } from '../keys/signing-keys.ts';

export interface AccessTokenSettings {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Signs a short-lived access token (SPEC §3): kid, iss, aud, sub, roles, iat, exp, jti. */
export async function signAccessToken(user: { id: string; roles: string[] }, settings: AccessTokenSettings): Promise<string> {
  return new SignJWT({ roles: user.roles })
    .setProtectedHeader({ alg: settings.keys.alg, kid: settings.keys.kid, typ: 'JWT' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${settings.ttlSeconds}s`)
    .setJti(randomUUID())
    .sign(settings.keys.privateKey);
}
