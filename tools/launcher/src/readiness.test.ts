import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort } from '../test/infra-urls.ts';
import { isReady, waitUntilReady } from './readiness.ts';

let server: http.Server;
let url: string;
let readyAfter = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const ready = req.url === '/health/ready' && Date.now() >= readyAfter;
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ready' : 'starting' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('readiness', () => {
  it('when an instance answers 503 for a while, then the wait ends once it answers 200', async () => {
    readyAfter = Date.now() + 300;
    const ready: string[] = [];
    const pending = await waitUntilReady([{ label: 'orders', url }], { timeoutMs: 5_000, intervalMs: 50, onReady: (t) => ready.push(t.label) });
    expect(pending).toEqual([]);
    expect(ready).toEqual(['orders']);
  });

  it('when an instance never answers, then the wait gives up at the deadline and names it', async () => {
    readyAfter = 0;
    const down = { label: 'reporting', url: `http://127.0.0.1:${await closedPort()}` };
    const started = Date.now();
    const pending = await waitUntilReady([{ label: 'orders', url }, down], { timeoutMs: 400, intervalMs: 50 });
    expect(pending).toEqual([down]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await isReady(down.url)).toBe(false);
  });
});
