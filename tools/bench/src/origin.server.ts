/**
 * The upstream of the gateway bench: a bare node:http server answering every path with the same
 * small JSON document, the JWKS of the bench's signing key (so the gateway's edge auth can fetch
 * it from here). Run as its own process: `node origin.server.ts <port> <jwks-json>`.
 */
import { createServer } from 'node:http';

const [portArg, jwks = '{"keys":[]}'] = process.argv.slice(2);
const body = Buffer.from(jwks);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length), 'cache-control': 'max-age=60' };

const server = createServer((request, response) => {
  request.resume();
  response.writeHead(200, headers);
  response.end(body);
});
// Proxies keep connections for long; never be the side that closes them during a round.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(Number(portArg), '127.0.0.1');

process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
