/**
 * The development signing key of the auth service: an Ed25519 private key (PKCS#8 PEM) created
 * once under DEV_DIR and reused afterwards, so tokens survive a restart of the launcher.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const SIGNING_KEY_FILE = 'keys/auth-signing.pem';

export interface SigningKey {
  file: string;
  created: boolean;
}

/** Creates `<devDir>/keys/auth-signing.pem` (mode 0600) unless it exists; checks an existing one parses. */
export async function ensureSigningKey(devDir: string): Promise<SigningKey> {
  const file = path.join(devDir, SIGNING_KEY_FILE);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  try {
    // 'wx' fails when the file exists, so two launchers starting together keep one key.
    await writeFile(file, pem, { flag: 'wx', mode: 0o600 });
    return { file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    createPrivateKey(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not a readable PEM private key (${(error as Error).message}); delete it to get a new one`);
  }
  await chmod(file, 0o600);
  return { file, created: false };
}
