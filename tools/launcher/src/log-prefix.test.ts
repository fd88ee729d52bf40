import { createLogFormatter, labelWidth } from './log-prefix.ts';

const record = { level: 'info', time: '2026-01-02T03:04:05.678Z', service: 'orders', version: '0.1.0', pid: 1, hostname: 'h', msg: 'order placed', orderId: 'o-1' };

describe('log line formatting', () => {
  it('when labels differ in length, then the prefix column has the width of the longest', () => {
    const width = labelWidth(['auth', 'notifications#2', 'launcher']);
    const formatter = createLogFormatter({ pretty: false, colors: false, width });
    expect(width).toBe(15);
    expect(formatter.prefix('auth', 'auth')).toBe('auth            │ ');
    expect(formatter.prefix('notifications#2', 'notifications')).toBe('notifications#2 │ ');
  });

  it('when a child writes pino JSON, then it is rendered by pino-pretty after the prefix', () => {
    const formatter = createLogFormatter({ pretty: true, colors: false, width: 8 });
    const out = formatter.formatLine('orders#2 │ ', JSON.stringify(record));
    expect(out).toMatch(/^orders#2 │ \[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: order placed/);
    expect(out).toContain('"orderId":"o-1"');
    expect(out).not.toContain('hostname');
    expect(out.endsWith('\n')).toBe(true);
    expect(out.split('\n')).toHaveLength(2);
  });

  it('when a child writes something that is not JSON, then it is passed through with the prefix', () => {
    const formatter = createLogFormatter({ pretty: true, colors: false, width: 4 });
    expect(formatter.formatLine('auth │ ', 'Node.js v24.21.0')).toBe('auth │ Node.js v24.21.0\n');
    expect(formatter.formatLine('auth │ ', '{not json')).toBe('auth │ {not json\n');
    expect(formatter.formatLine('auth │ ', '{"no":"level"}')).toBe('auth │ {"no":"level"}\n');
  });

  it('when PRETTY_LOGS is false, then JSON lines stay raw', () => {
    const formatter = createLogFormatter({ pretty: false, colors: false, width: 6 });
    const line = JSON.stringify(record);
    expect(formatter.formatLine('orders │ ', line)).toBe(`orders │ ${line}\n`);
  });

  it('when a rendered record spans lines (an error stack), then every line is prefixed', () => {
    const formatter = createLogFormatter({ pretty: true, colors: false, width: 4 });
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at a (x.ts:1:1)\n    at b (y.ts:2:2)' };
    const out = formatter.formatLine('auth │ ', JSON.stringify({ ...record, level: 'error', msg: 'failed', err }));
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.startsWith('auth │ ')).toBe(true);
  });

  it('when colours are on, then the prefix is coloured after its app and reset afterwards', () => {
    const formatter = createLogFormatter({ pretty: false, colors: true, width: 6 });
    expect(formatter.prefix('orders', 'orders')).toBe('\u001b[32morders │ \u001b[0m');
    expect(formatter.formatMessage('p ', 'careful', 'warn')).toBe('p \u001b[33mcareful\u001b[0m\n');
  });
});
