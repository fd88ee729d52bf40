/**
 * The whole launcher as a developer runs it, against the real Postgres, RabbitMQ and Redis, on a
 * small fake checkout (ORDERLY_ROOT) whose services are tiny HTTP servers that record their
 * environment: the sequence, the wiring and the process handling are tested without depending on
 * the state of the real services.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { closedPort, infraUrls } from '../test/infra-urls.ts';
import { startLauncherProcess, type LauncherProcess } from './launcher-process.ts';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const LOCAL_NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const NODE = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;

const FAKE_MAIN = `
import http from 'node:http';
import { writeFileSync } from 'node:fs';
const name = process.argv[1].split('/').at(-3);
const env = process.env;
const ready = () => env.NEVER_READY !== name;
const server = http.createServer((req, res) => {
  const ok = req.url === '/health/live' || (req.url === '/health/ready' && ready());
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end('{}');
});
server.listen(Number(env.PORT), env.HOST, () => {
  writeFileSync(env.TEST_OUT_DIR + '/' + name + '-' + env.PORT + '.json', JSON.stringify({ pid: process.pid, env }));
  console.log(JSON.stringify({ level: 'info', time: new Date().toISOString(), service: name, msg: 'listening on ' + env.PORT }));
});
process.on('SIGTERM', () => {
  console.log(JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: 'stopping' }));
  server.close(() => process.exit(0));
});
`;

const FAKE_MIGRATE = `
import { writeFileSync } from 'node:fs';
const name = process.argv[1].split('/').at(-3);
const env = process.env;
if (env.FAIL_MIGRATION === name) {
  console.error(name + ': migration failed: syntax error at or near "oops"');
  process.exit(2);
}
writeFileSync(env.TEST_OUT_DIR + '/migrated-' + name + '.json', JSON.stringify(env));
console.log(name + ': applied 001_test.sql');
`;

interface Run {
  root: string;
  out: string;
  env: Record<string, string>;
  ports: Record<string, number>;
}

const databases: string[] = [];
const launchers: LauncherProcess[] = [];

afterEach(async () => {
  await Promise.all(launchers.splice(0).map((l) => l.stop('SIGKILL')));
});

afterAll(async () => {
  const client = new pg.Client({ connectionString: infraUrls.postgres });
  await client.connect();
  for (const database of databases) await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await client.end();
});

/** A fake checkout with the given apps, and the environment of a fully isolated launcher run. */
async function prepareRun(apps: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const root = await mkdtemp(path.join(tmpdir(), 'orderly-launcher-test-'));
  await writeFile(path.join(root, 'package.json'), '{ "type": "module" }');
  for (const app of apps) {
    const src = path.join(root, app === 'gateway' ? 'gateway' : `services/${app}`, 'src');
    await mkdir(src, { recursive: true });
    await writeFile(path.join(src, 'main.ts'), FAKE_MAIN);
    if (app !== 'gateway') await writeFile(path.join(src, 'migrate.ts'), FAKE_MIGRATE);
  }
  const out = path.join(root, 'out');
  await mkdir(out);
  const hex = randomBytes(4).toString('hex');
  const database = `orderly_test_e2e_${hex}`;
  databases.push(database);
  const ports: Record<string, number> = {};
  for (const name of ['GATEWAY_PORT', 'AUTH_PORT', 'ORDERS_PORT', 'NOTIFICATIONS_PORT', 'REPORTING_PORT']) ports[name] = await closedPort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? root,
    ORDERLY_ROOT: root,
    DATABASE_ADMIN_URL: infraUrls.postgres,
    ORDERLY_DATABASE: database,
    AMQP_URL: infraUrls.rabbitmq,
    REDIS_URL: infraUrls.redis,
    EVENTS_EXCHANGE: `orderly.test_${hex}`,
    EVENTS_QUEUE_PREFIX: `orderly_test_${hex}`,
    REDIS_KEY_PREFIX: `orderly_test_${hex}:`,
    DEV_DIR: path.join(root, '.dev'),
    PASSTHROUGH_ENV: 'TEST_OUT_DIR,FAIL_MIGRATION,NEVER_READY',
    TEST_OUT_DIR: out,
    STOP_GRACE_MS: '5000',
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    ...extraEnv,
  };
  return { root, out, env, ports };
}

async function records(out: string): Promise<Array<{ file: string; pid: number; env: Record<string, string> }>> {
  const files = (await readdir(out)).filter((f) => f.endsWith('.json') && !f.startsWith('migrated-'));
  return Promise.all(files.map(async (file) => ({ file, ...JSON.parse(await readFile(path.join(out, file), 'utf8')) })));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start (the launcher process)', () => {
  it('when everything answers, then it migrates, starts every instance wired together, restarts a dead one and stops cleanly on SIGTERM', async () => {
    const run = await prepareRun(['auth', 'orders', 'notifications', 'gateway'], { ORDERS_INSTANCES: '2' });
    const launcher = await startLauncherProcess({ repoRoot: REPO_ROOT, env: run.env, nodePath: NODE, readyTimeoutMs: 60_000 });
    launchers.push(launcher);

    // Ready line, admin login, instances, and the warning about the missing service.
    expect(launcher.gatewayUrl).toBe(`http://127.0.0.1:${run.ports.GATEWAY_PORT}`);
    const text = launcher.output();
    expect(text).toContain('dev admin: admin@orderly.local / orderly-admin-password');
    expect(text).toMatch(/reporting: services\/reporting\/src\/main\.ts does not exist yet; not starting it/);
    expect(text).toMatch(/orders#2 will listen on http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/orders#1 +│ \[\d\d:\d\d:\d\d\.\d{3}\] INFO: listening on/);

    // Migrations ran with each service's own role; the key was created with mode 0600.
    const migrated = JSON.parse(await readFile(path.join(run.out, 'migrated-orders.json'), 'utf8'));
    expect(migrated.DATABASE_URL).toMatch(new RegExp(`^postgres://orderly_orders:orderly_orders@.*/${run.env.ORDERLY_DATABASE}$`));
    const keyFile = path.join(run.root, '.dev/keys/auth-signing.pem');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    // Every instance got its environment; the gateway lists every instance of each service.
    const started = await records(run.out);
    expect(started).toHaveLength(5);
    const auth = started.find((r) => r.file.startsWith('auth-'))!;
    expect(auth.env).toMatchObject({
      HOST: '127.0.0.1',
      PORT: String(run.ports.AUTH_PORT),
      AUTH_SIGNING_KEY_FILE: keyFile,
      AUTH_ADMIN_EMAIL: 'admin@orderly.local',
      EVENTS_EXCHANGE: run.env.EVENTS_EXCHANGE,
      EVENTS_QUEUE_PREFIX: run.env.EVENTS_QUEUE_PREFIX,
      REDIS_KEY_PREFIX: run.env.REDIS_KEY_PREFIX,
      JWKS_URL: `http://127.0.0.1:${run.ports.AUTH_PORT}/v1/auth/.well-known/jwks.json`,
    });
    expect(auth.env.ORDERLY_ROOT).toBeUndefined();
    const gateway = started.find((r) => r.file.startsWith('gateway-'))!;
    const orders = started.filter((r) => r.file.startsWith('orders-')).map((r) => `http://127.0.0.1:${r.env.PORT}`);
    expect(gateway.env.ORDERS_URL!.split(',').sort()).toEqual(orders.sort());
    expect(gateway.env.REPORTING_URL).toBe(`http://127.0.0.1:${run.ports.REPORTING_PORT}`);
    expect(gateway.env.DATABASE_URL).toBeUndefined();

    // A dead instance comes back (same port, new pid); the others are untouched.
    const victim = started.find((r) => r.file === `orders-${run.ports.ORDERS_PORT}.json`)!;
    process.kill(victim.pid, 'SIGKILL');
    await until(async () => (await records(run.out)).some((r) => r.file === victim.file && r.pid !== victim.pid));
    expect(launcher.output()).toMatch(/orders#1 was killed by SIGKILL after [\d.]+s; restarting in 1\.0s \(restart #1\)/);
    const after = await records(run.out);
    expect(after.find((r) => r.file === auth.file)!.pid).toBe(auth.pid);

    // SIGTERM: everything stops, the launcher exits 0, no process is left.
    const exit = await launcher.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(launcher.output()).toContain('Everything stopped.');
    expect(after.map((r) => r.pid).filter(alive)).toEqual([]);
  }, 90_000);

  it('when RabbitMQ and Redis do not answer, then it names both with where it looked and how to start them, and exits 1', async () => {
    const port = await closedPort();
    const run = await prepareRun(['auth'], { AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}`, REDIS_URL: `redis://127.0.0.1:${port}` });
    const failure = startLauncherProcess({ repoRoot: REPO_ROOT, env: run.env, nodePath: NODE, readyTimeoutMs: 30_000 });
    await expect(failure).rejects.toThrow(/exited \(code 1\) before it was ready/);
    const message = ((await failure.catch((e: Error) => e)) as Error).message;
    expect(message).toContain('RabbitMQ and Redis do not answer');
    expect(message).toContain(`RabbitMQ at amqp://guest:****@127.0.0.1:${port}`);
    expect(message).toContain('rabbitmq-server -detached');
    expect(message).toContain('docker compose up -d postgres rabbitmq redis');
    expect(message).not.toContain('Postgres at');
  }, 30_000);

  it('when a migration fails, then it says which, starts nothing and exits 1', async () => {
    const run = await prepareRun(['auth', 'orders', 'gateway'], { FAIL_MIGRATION: 'orders' });
    const failure = startLauncherProcess({ repoRoot: REPO_ROOT, env: run.env, nodePath: NODE, readyTimeoutMs: 30_000 });
    const message = ((await failure.catch((e: Error) => e)) as Error).message;
    expect(message).toMatch(/orders +│ orders: migration failed/);
    expect(message).toContain('Migrations failed for orders');
    expect(await records(run.out)).toEqual([]);
  }, 30_000);

  it('when an instance is not ready by the deadline, then it says which, keeps waiting, and a Ctrl-C stops everything with exit 0', async () => {
    const run = await prepareRun(['auth', 'gateway'], { NEVER_READY: 'gateway', READY_TIMEOUT_MS: '1000' });
    const child = spawn(NODE, ['--conditions=@orderly/source', path.join(REPO_ROOT, 'tools/launcher/src/main.ts')], {
      env: run.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(async () => (await records(run.out)).length === 2 && text.includes('Not ready after 1s: gateway (http://127.0.0.1:'));
    expect(text).not.toMatch(/Not ready after 1s: .*auth/);
    const pids = (await records(run.out)).map((r) => r.pid);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(text).not.toContain('Orderly is ready');
    expect(pids.filter(alive)).toEqual([]);
  }, 30_000);
});
