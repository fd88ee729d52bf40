import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureSigningKey } from './dev-keys.ts';

const devDir = () => mkdtemp(path.join(tmpdir(), 'orderly-launcher-test-'));

describe('ensureSigningKey', () => {
  it('when no key exists, then an Ed25519 PKCS#8 PEM is written with mode 0600', async () => {
    const dir = await devDir();
    const key = await ensureSigningKey(dir);
    expect(key).toEqual({ file: path.join(dir, 'keys/auth-signing.pem'), created: true });
    const pem = await readFile(key.file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('ed25519');
    expect((await stat(key.file)).mode & 0o777).toBe(0o600);
  });

  it('when a key exists, then it is reused unchanged', async () => {
    const dir = await devDir();
    const first = await ensureSigningKey(dir);
    const before = await readFile(first.file, 'utf8');
    const second = await ensureSigningKey(dir);
    expect(second.created).toBe(false);
    expect(await readFile(second.file, 'utf8')).toBe(before);
  });

  it('when launchers race, then they all end up with the same key', async () => {
    const dir = await devDir();
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureSigningKey(dir)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('when the file is not a key, then the error says which file and how to fix it', async () => {
    const dir = await devDir();
    const first = await ensureSigningKey(dir);
    await writeFile(first.file, 'garbage');
    await expect(ensureSigningKey(dir)).rejects.toThrow(/auth-signing\.pem is not a readable PEM private key.*delete it/);
  });
});
