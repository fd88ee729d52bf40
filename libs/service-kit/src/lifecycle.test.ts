/**
 * Graceful shutdown of a real process: on SIGTERM readiness turns 503 at once, requests in flight
 * finish, the stop steps run, and the process exits 0 — what a rolling restart relies on.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const LOCAL_NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const NODE = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('runService', () => {
  it('when SIGTERM arrives during a request, then readiness turns 503, the request completes and the process exits 0', async () => {
    const port = await freePort();
    const child = spawn(NODE, ['--conditions=@orderly/source', path.join(__dirname, '..', 'test', 'slow-service.ts'), String(port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    while (!output.includes('listening')) await new Promise((r) => setTimeout(r, 20));
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    const inFlight = fetch(`${base}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const draining = await fetch(`${base}/health/ready`);
    expect(draining.status).toBe(503);
    expect(draining.headers.get('connection')).toBe('close');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('stop steps ran');
  }, 20_000);
});
