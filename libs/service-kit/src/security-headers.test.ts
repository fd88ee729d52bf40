import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { computeSecurityHeaders } from './security-headers.ts';

/** The headers helmet's own middleware puts on a real response of node:http. */
async function helmetOnARealResponse(): Promise<IncomingHttpHeaders> {
  const middleware = helmet();
  const server = createServer((req, res) => middleware(req, res, () => res.end()));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const req = request({ port, host: '127.0.0.1', path: '/' }).end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.resume();
    return res.headers;
  } finally {
    server.close();
  }
}

describe('computeSecurityHeaders', () => {
  it('when computed once, then it holds exactly the headers helmet sets on a real response', async () => {
    const real = await helmetOnARealResponse();
    const computed = computeSecurityHeaders();
    const framing = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);
    const fromHelmet = Object.fromEntries(Object.entries(real).filter(([name]) => !framing.has(name)));
    expect(computed).toEqual(fromHelmet);
    expect(computed).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'strict-transport-security': expect.stringContaining('max-age='),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
    });
  });

  it('when returned, then it cannot be changed by a caller', () => {
    const headers = computeSecurityHeaders() as Record<string, string>;
    expect(() => {
      headers['x-frame-options'] = 'ALLOWALL';
    }).toThrow(TypeError);
  });
});
