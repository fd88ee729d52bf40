import { parseTps, parseTransactionLog, pgbenchArgs, placeOrderScript } from './pgbench.ts';

describe('placeOrderScript', () => {
  const script = placeOrderScript([{ sku: "O'Brien-1", quantity: 2, unitPriceCents: 1250 }], 'EUR');

  it('when rendered, then it is one transaction: the order CTE read back with \\gset, the outbox row, commit', () => {
    const statements = script.split('\n').filter((l) => /^(BEGIN|WITH|INSERT|SELECT|COMMIT|\\gset)/.test(l));
    expect(statements[0]).toBe('BEGIN;');
    expect(script).toMatch(/INSERT INTO orders \(id, user_id, currency, total_cents\)/);
    expect(script).toMatch(/INSERT INTO order_items/);
    expect(script).toMatch(/\\gset\nWITH event AS/);
    expect(script).toMatch(/INSERT INTO outbox \(id, type, subject, payload, correlation_id\)/);
    expect(script.trim().endsWith('COMMIT;')).toBe(true);
  });

  it('when rendered, then the only pgbench variables are user_id, order_id and order_json (no colon elsewhere, even in literals)', () => {
    const variables = new Set([...script.replace(/::\w+/g, '').matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]));
    expect([...variables].sort()).toEqual(['order_id', 'order_json', 'user_id']);
  });

  it('when an item holds a quote, then it is escaped as SQL', () => {
    expect(script).toContain("ARRAY['O''Brien-1']::text[]");
  });
});

describe('parseTps', () => {
  it('when pgbench reports, then the tps without connection time is read', () => {
    const report = 'latency average = 12.3 ms\ninitial connection time = 20.1 ms\ntps = 2601.503123 (without initial connection time)\n';
    expect(parseTps(report)).toBeCloseTo(2601.503123);
    expect(parseTps('nothing')).toBeUndefined();
  });
});

describe('parseTransactionLog', () => {
  it('when given log lines, then latencies are converted from µs to ms and failures counted', () => {
    const log = '0 1 1500 0 1700000000 123456\n1 1 2500 0 1700000000 223456\n2 5 failed 0 1700000001 1\n\n';
    expect(parseTransactionLog(log)).toEqual({ latenciesMs: [1.5, 2.5], failed: 1 });
  });
});

describe('pgbenchArgs', () => {
  it('when built, then it runs the script with the extended protocol, the clients and a per-transaction log', () => {
    const args = pgbenchArgs({
      scriptFile: '/tmp/s.sql',
      logDir: '/tmp/log',
      host: '127.0.0.1',
      port: '5432',
      user: 'orderly_orders',
      password: 'x',
      database: 'orderly_bench_1',
      userId: 'u',
      clients: 32,
      durationSeconds: 10,
      env: {},
    });
    expect(args.join(' ')).toBe(
      '-n -M extended -c 32 -j 2 -T 10 -h 127.0.0.1 -p 5432 -U orderly_orders -D user_id=u -f /tmp/s.sql -l --log-prefix=/tmp/log/tx orderly_bench_1',
    );
  });
});
