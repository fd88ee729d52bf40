import { APPS } from './apps.ts';
import type { Instance } from './processes.ts';
import { formatReadySummary, READY_PATTERN } from './summary.ts';

const instance = (name: string, label: string, port: number): Instance => ({
  app: APPS.find((a) => a.name === name)!,
  index: 1,
  label,
  port,
  url: `http://127.0.0.1:${port}`,
});
const admin = { AUTH_ADMIN_EMAIL: 'admin@orderly.local', AUTH_ADMIN_PASSWORD: 'orderly-admin-password' };

describe('formatReadySummary', () => {
  it('when everything is up, then the banner gives the gateway, the admin login and every instance', () => {
    const text = formatReadySummary(admin, [instance('auth', 'auth', 3001), instance('orders', 'orders#2', 41234), instance('gateway', 'gateway', 8080)]);
    expect(READY_PATTERN.exec(text)?.[1]).toBe('http://127.0.0.1:8080');
    expect(text).toContain('dev admin: admin@orderly.local / orderly-admin-password');
    expect(text).toContain('    orders#2  http://127.0.0.1:41234');
  });

  it('when the gateway is not there, then the banner says so and the ready pattern does not match', () => {
    const text = formatReadySummary(admin, [instance('auth', 'auth', 3001)]);
    expect(text).toContain('without a gateway');
    expect(READY_PATTERN.test(text)).toBe(false);
  });

  it('when the ready line is prefixed and coloured, then the pattern still finds the URL', () => {
    const line = '\u001b[1mlauncher │ \u001b[0mOrderly is ready: gateway http://127.0.0.1:18080\u001b[0m\n';
    expect(READY_PATTERN.exec(line)?.[1]).toBe('http://127.0.0.1:18080');
  });
});
