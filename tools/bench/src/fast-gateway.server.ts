/**
 * fast-gateway (npm) in front of the bench origin, set up like the other proxies: every /v1 path
 * forwarded unchanged over keep-alive connections (fast-proxy-lite's http.Agent, keepAlive on).
 * Run as its own process: `node fast-gateway.server.ts <port> <origin>`.
 */
import gateway from 'fast-gateway';

const [portArg, origin] = process.argv.slice(2);
if (origin === undefined) throw new Error('usage: fast-gateway.server.ts <port> <origin>');

const server = gateway({
  enableServicesEndpoint: false,
  routes: [{ prefix: '/v1', prefixRewrite: '/v1', target: origin }],
});

await server.start(Number(portArg), '127.0.0.1');

process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
