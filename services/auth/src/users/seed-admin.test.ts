import { startAuthForTest, type AuthTestContext } from '../../test/auth-harness.ts';
import { seedAdmin } from './seed-admin.ts';

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await startAuthForTest();
});
afterAll(() => ctx.close());

const login = (email: string, password: string) =>
  ctx.service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });

describe('seedAdmin', () => {
  it('when run twice, even concurrently, then one admin exists and can sign in', async () => {
    await Promise.all([1, 2].map(() => seedAdmin('root@example.com', 'root password 1', ctx.deps)));
    await seedAdmin('root@example.com', 'root password 1', ctx.deps);
    const { rows } = await ctx.admin.query("SELECT roles FROM auth.users WHERE lower(email) = 'root@example.com'");
    expect(rows).toEqual([{ roles: ['customer', 'admin'] }]);
    expect((await login('root@example.com', 'root password 1')).statusCode).toBe(200);
  });

  it('when the account exists without the admin role, then it gains the role and keeps its password', async () => {
    const register = await ctx.service.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email: 'boss@example.com', password: 'original password' },
    });
    expect(register.statusCode).toBe(201);
    await seedAdmin('boss@example.com', 'configured password', ctx.deps);
    const { rows } = await ctx.admin.query("SELECT roles FROM auth.users WHERE email = 'boss@example.com'");
    expect(rows[0].roles).toEqual(['customer', 'admin']);
    expect((await login('boss@example.com', 'original password')).statusCode).toBe(200);
    expect((await login('boss@example.com', 'configured password')).statusCode).toBe(401);
  });
});
