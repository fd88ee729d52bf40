/**
 * The signing key set: the current private key signs; its public key and the previous public keys
 * are published in the JWKS so tokens signed before a rotation verify until they expire.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

export interface SigningKeys {
  privateKey: KeyObject;
  kid: string;
  alg: 'EdDSA' | 'ES256';
  jwks: { keys: JWK[] };
}

function algorithmOf(key: KeyObject): 'EdDSA' | 'ES256' {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`Signing keys must be Ed25519 or P-256, got ${key.asymmetricKeyType}`);
}

async function publicJwk(key: KeyObject): Promise<JWK> {
  const jwk = await exportJWK(key);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: algorithmOf(key), use: 'sig' };
}

function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
}

export async function loadSigningKeys(source: { pem: string; previousPublicPem?: string }): Promise<SigningKeys> {
  const privateKey = createPrivateKey(source.pem);
  const current = await publicJwk(createPublicKey(privateKey));
  const previous = await Promise.all(splitPem(source.previousPublicPem ?? '').map((pem) => publicJwk(createPublicKey(pem))));
  const keys = [current, ...previous.filter((k) => k.kid !== current.kid)];
  return { privateKey, kid: current.kid!, alg: algorithmOf(privateKey), jwks: { keys } };
}

export async function readSigningKeys(config: {
  AUTH_SIGNING_KEY?: string | undefined;
  AUTH_SIGNING_KEY_FILE?: string | undefined;
  AUTH_PREVIOUS_PUBLIC_KEYS_FILE?: string | undefined;
}): Promise<SigningKeys> {
  const pem = config.AUTH_SIGNING_KEY ?? (await readFile(config.AUTH_SIGNING_KEY_FILE!, 'utf8'));
  const previousPublicPem = config.AUTH_PREVIOUS_PUBLIC_KEYS_FILE
    ? await readFile(config.AUTH_PREVIOUS_PUBLIC_KEYS_FILE, 'utf8')
    : undefined;
  return loadSigningKeys({ pem, ...(previousPublicPem ? { previousPublicPem } : {}) });
}
