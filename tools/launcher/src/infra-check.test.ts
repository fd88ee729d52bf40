import { closedPort, infraUrls } from '../test/infra-urls.ts';
import { checkInfrastructure, describeError, formatInfraFailures, maskUrl, START_HINTS } from './infra-check.ts';

describe('checkInfrastructure against the real servers', () => {
  it('when Postgres, RabbitMQ and Redis answer, then there is no failure', async () => {
    await expect(checkInfrastructure(infraUrls)).resolves.toEqual([]);
  });

  it('when all three point at a closed port, then each is reported with where it looked', async () => {
    const port = await closedPort();
    const failures = await checkInfrastructure({
      postgres: `postgres://postgres:secret@127.0.0.1:${port}/postgres`,
      rabbitmq: `amqp://guest:guest@127.0.0.1:${port}`,
      redis: `redis://127.0.0.1:${port}`,
    });
    expect(failures.map((f) => f.name)).toEqual(['Postgres', 'RabbitMQ', 'Redis']);
    expect(failures[0]!.where).toBe(`postgres://postgres:****@127.0.0.1:${port}/postgres`);
    expect(failures[1]!.where).toBe(`amqp://guest:****@127.0.0.1:${port}`);
    for (const failure of failures) expect(failure.reason).toMatch(/ECONNREFUSED|refused/i);
  });

  it('when only Redis is unreachable, then only Redis is reported, quickly', async () => {
    const port = await closedPort();
    const started = Date.now();
    const failures = await checkInfrastructure({ ...infraUrls, redis: `redis://127.0.0.1:${port}` });
    expect(failures).toEqual([expect.objectContaining({ name: 'Redis', where: `redis://127.0.0.1:${port}` })]);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('when Postgres refuses the credentials, then the reason says so', async () => {
    const url = new URL(infraUrls.postgres);
    url.username = 'no_such_role_for_launcher_test';
    const failures = await checkInfrastructure({ postgres: url.toString() });
    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toContain('no_such_role_for_launcher_test');
  });
});

describe('formatInfraFailures', () => {
  it('when two servers fail, then the message names both, where, why and how to start each', () => {
    const message = formatInfraFailures([
      { name: 'RabbitMQ', where: 'amqp://guest:****@127.0.0.1:5672', reason: 'connect ECONNREFUSED 127.0.0.1:5672' },
      { name: 'Redis', where: 'redis://127.0.0.1:6379', reason: 'connect ECONNREFUSED 127.0.0.1:6379' },
    ]);
    expect(message.split('\n')[0]).toBe('RabbitMQ and Redis do not answer; Orderly needs Postgres, RabbitMQ and Redis running.');
    expect(message).toContain('✗ RabbitMQ at amqp://guest:****@127.0.0.1:5672: connect ECONNREFUSED 127.0.0.1:5672');
    expect(message).toContain(`start it: ${START_HINTS.RabbitMQ}`);
    expect(message).toContain("start it: redis-server --daemonize yes --port 6379 --save '' --appendonly no");
    expect(message).not.toContain(START_HINTS.Postgres);
    expect(message).toContain('docker compose up -d postgres rabbitmq redis');
  });

  it('when Redis was looked for on another port, then the hint starts it on that port', () => {
    const message = formatInfraFailures([{ name: 'Redis', where: 'redis://127.0.0.1:6380', reason: 'x' }]);
    expect(message).toContain('start it: redis-server --daemonize yes --port 6380 ');
  });

  it('when one server fails, then the sentence is singular and names the Debian command', () => {
    const message = formatInfraFailures([{ name: 'Postgres', where: 'postgres://postgres@127.0.0.1:5432/postgres', reason: 'x' }]);
    expect(message).toMatch(/^Postgres does not answer/);
    expect(message).toContain('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
  });
});

describe('maskUrl and describeError', () => {
  it('when a URL carries a password, then it is masked; without one, it is unchanged', () => {
    expect(maskUrl('postgres://user:pa%24s@db:5432/x')).toBe('postgres://user:****@db:5432/x');
    expect(maskUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(maskUrl('not a url')).toBe('<not a valid URL>');
  });

  it('when Node reports a dual-stack failure as an AggregateError, then each distinct reason is kept', () => {
    const error = new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')], '');
    expect(describeError(error)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });
});
