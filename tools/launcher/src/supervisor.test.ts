import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildSpec } from './processes.ts';
import { backoffDelay, createSupervisor, runToCompletion, type Supervisor } from './supervisor.ts';

const SCRIPTS: Record<string, string> = {
  // Says it started, then dies.
  'crasher.js': `console.log('started ' + process.pid); setTimeout(() => process.exit(Number(process.env.EXIT_CODE ?? 1)), Number(process.env.LIVE_MS ?? 20));`,
  // Runs until SIGTERM, with a grandchild in its process group; exits cleanly on SIGTERM.
  'server.js': `
    const { spawn } = require('node:child_process');
    process.on('SIGTERM', () => { console.log('stopping'); setTimeout(() => process.exit(0), 100); });
    const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    console.log(JSON.stringify({ level: 'info', msg: 'started', pid: process.pid, grandchild: grandchild.pid }));
    setInterval(() => {}, 1000);`,
  // Ignores SIGTERM.
  'stubborn.js': `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('started ' + process.pid); setInterval(() => {}, 1000);`,
  'lines.js': `console.log('one'); console.error('two'); console.log('three'); process.exit(3);`,
};

let dir: string;
const supervisors: Supervisor[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'orderly-supervisor-test-'));
  for (const [name, source] of Object.entries(SCRIPTS)) await writeFile(path.join(dir, name), source);
});

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop(1_000)));
});

const spec = (label: string, script: string, env: Record<string, string> = {}): ChildSpec => ({
  label,
  app: label,
  command: process.execPath,
  args: [path.join(dir, script)],
  env: { PATH: process.env.PATH ?? '', ...env },
  cwd: dir,
});

interface Recorder {
  lines: Array<{ label: string; line: string; at: number }>;
  events: string[];
}

function supervise(backoff = { initialMs: 100, maxMs: 400, resetAfterMs: 10_000 }): { supervisor: Supervisor; seen: Recorder } {
  const seen: Recorder = { lines: [], events: [] };
  const supervisor = createSupervisor({
    backoff,
    onLine: (s, _stream, line) => seen.lines.push({ label: s.label, line, at: Date.now() }),
    onEvent: (_s, message) => seen.events.push(message),
  });
  supervisors.push(supervisor);
  return { supervisor, seen };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('backoffDelay', () => {
  it('when restarts follow each other, then the delay starts at 1s, doubles and stops at 30s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('supervisor with real child processes', () => {
  it('when a child keeps exiting, then it is restarted after doubling delays, and each restart is logged', async () => {
    const { supervisor, seen } = supervise();
    supervisor.start([spec('crasher', 'crasher.js')]);
    await until(() => seen.lines.filter((l) => l.line.startsWith('started')).length >= 5);
    const starts = seen.lines.filter((l) => l.line.startsWith('started')).map((l) => l.at);
    const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
    [100, 200, 400, 400].forEach((delay, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(delay);
      expect(gaps[i]).toBeLessThan(delay + 1_000);
    });
    expect(seen.events[0]).toMatch(/^crasher exited with code 1 after \d+\.\ds; restarting in 0\.1s \(restart #1\)$/);
    expect(seen.events[1]).toMatch(/restarting in 0\.2s \(restart #2\)/);
    expect(seen.events[2]).toMatch(/restarting in 0\.4s \(restart #3\)/);
    expect(seen.events[3]).toMatch(/restarting in 0\.4s \(restart #4\)/);
  });

  it('when a child had stayed up long enough before dying, then the backoff starts again from the first delay', async () => {
    const { supervisor, seen } = supervise({ initialMs: 100, maxMs: 1_000, resetAfterMs: 150 });
    supervisor.start([spec('steady', 'crasher.js', { LIVE_MS: '300' })]);
    await until(() => seen.events.length >= 3);
    for (const event of seen.events.slice(0, 3)) expect(event).toMatch(/restarting in 0\.1s/);
  });

  it('when one child dies, then the others keep running untouched', async () => {
    const { supervisor, seen } = supervise();
    supervisor.start([spec('server', 'server.js'), spec('crasher', 'crasher.js')]);
    await until(() => seen.events.length >= 2 && seen.lines.some((l) => l.label === 'server'));
    const [server] = supervisor.status();
    const firstPid = JSON.parse(seen.lines.find((l) => l.label === 'server')!.line).pid;
    expect(server).toMatchObject({ label: 'server', running: true, restarts: 0, pid: firstPid });
  });

  it('when stopped, then every child and its own children get SIGTERM, exit, and nothing is restarted', async () => {
    const { supervisor, seen } = supervise();
    supervisor.start([spec('a', 'server.js'), spec('b', 'server.js')]);
    await until(() => seen.lines.filter((l) => l.line.includes('"started"')).length === 2);
    const pids = seen.lines.filter((l) => l.line.includes('"started"')).flatMap((l) => {
      const record = JSON.parse(l.line);
      return [record.pid, record.grandchild];
    });
    await supervisor.stop(5_000);
    expect(seen.lines.filter((l) => l.line === 'stopping')).toHaveLength(2);
    expect(pids.filter(alive)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(supervisor.status().every((s) => !s.running && s.restarts === 0)).toBe(true);
    expect(seen.events).toEqual([]);
  });

  it('when a child ignores SIGTERM, then it is killed once the grace period is over', async () => {
    const { supervisor, seen } = supervise();
    supervisor.start([spec('stubborn', 'stubborn.js')]);
    await until(() => seen.lines.some((l) => l.line.startsWith('started')));
    const pid = supervisor.status()[0]!.pid!;
    const started = Date.now();
    await supervisor.stop(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(alive(pid)).toBe(false);
    expect(seen.lines.some((l) => l.line === 'ignoring SIGTERM')).toBe(true);
    expect(seen.events).toEqual(['stubborn did not stop within 0.5s; killing it']);
  });

  it('when a command cannot be started, then the failure is reported and retried with backoff', async () => {
    const { supervisor, seen } = supervise();
    supervisor.start([{ ...spec('missing', 'crasher.js'), command: path.join(dir, 'no-such-binary') }]);
    await until(() => seen.events.length >= 2);
    expect(seen.events[0]).toMatch(/^missing could not be started \(spawn .*ENOENT\).*restarting in 0\.1s/);
  });
});

describe('runToCompletion', () => {
  it('when a one-shot child exits, then every line was delivered before its exit code', async () => {
    const lines: string[] = [];
    const result = await runToCompletion(spec('once', 'lines.js'), (_s, stream, line) => lines.push(`${stream}:${line}`));
    expect(result).toEqual({ code: 3, signal: null });
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
  });

  it('when aborted, then the child is stopped with SIGTERM', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const run = runToCompletion(spec('stubborn', 'server.js'), (_s, _stream, line) => lines.push(line), controller.signal);
    await until(() => lines.length > 0);
    controller.abort();
    await expect(run).resolves.toEqual({ code: 0, signal: null });
    expect(lines).toContain('stopping');
  });
});
