/**
 * Test harness: the four services as counting origins, a JWKS origin publishing a test signing key,
 * and a real gateway in front of them. `env` overrides the gateway's environment.
 */
import { startGateway, type TestGateway } from './gateway.ts';
import { startOrigin, type Origin } from './origin.ts';
import { createSigningKey, jwksOf, JWKS_PATH, signAccessToken, type SigningKey } from './tokens.ts';

export interface Fixture {
  url: string;
  gateway: TestGateway;
  key: SigningKey;
  /** A valid customer access token. */
  token: string;
  jwks: Origin;
  auth: Origin;
  orders: Origin;
  notifications: Origin;
  reporting: Origin;
  /** Every service origin's request count. */
  upstreamRequests(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startJwksOrigin(key: SigningKey): Promise<Origin> {
  const jwks = await startOrigin('jwks');
  jwks.handle((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwksOf(key));
  });
  return jwks;
}

export async function startFixture(env: Record<string, string> = {}): Promise<Fixture> {
  const key = await createSigningKey('test-key-1');
  const [jwks, auth, orders, notifications, reporting] = await Promise.all([
    startJwksOrigin(key),
    startOrigin('auth'),
    startOrigin('orders'),
    startOrigin('notifications'),
    startOrigin('reporting'),
  ]);
  const services = [auth, orders, notifications, reporting];
  const gateway = await startGateway({
    AUTH_URL: auth.url,
    ORDERS_URL: orders.url,
    NOTIFICATIONS_URL: notifications.url,
    REPORTING_URL: reporting.url,
    JWKS_URL: `${jwks.url}${JWKS_PATH}`,
    ...env,
  });
  return {
    url: gateway.url,
    gateway,
    key,
    token: await signAccessToken(key),
    jwks,
    auth,
    orders,
    notifications,
    reporting,
    upstreamRequests: () => services.reduce((sum, origin) => sum + origin.requests.length, 0),
    reset() {
      for (const origin of services) origin.reset();
    },
    async close() {
      await gateway.close();
      await Promise.all([jwks, ...services].map((origin) => origin.close()));
    },
  };
}
