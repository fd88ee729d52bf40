import { isForwardablePath } from './forwarded-path.ts';

describe('isForwardablePath', () => {
  it.each([
    '/v1/orders',
    '/v1/orders/0190a5a0-0000-7000-8000-00000000000a?cursor=../..',
    '/v1/auth/.well-known/jwks.json',
    '/v1/orders/a.b/..c/.../x..',
    '/v1/orders/%2E%2E.x/%41/a%2Fb',
  ])('when the path is %s, then it is forwarded', (url) => {
    expect(isForwardablePath(url)).toBe(true);
  });

  it.each([
    '/v1/orders/../auth',
    '/v1/orders/..',
    '/v1/orders/%2e%2e/x',
    '/v1/orders/.%2E/x',
    '/v1/orders/..%2fx',
    '/v1/orders/..\\x',
    '/v1/orders/%5c..%5cx',
    '/v1/orders/%zz',
    'http://elsewhere.test/v1/orders',
  ])('when the path is %s, then it is refused', (url) => {
    expect(isForwardablePath(url)).toBe(false);
  });
});
