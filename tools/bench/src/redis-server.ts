/**
 * The gateway bench's own Redis: a redis-server of the machine's package on a free port, no
 * persistence, pinned like the origin. Its CPU is then the gateway's rate limiting alone (not
 * other users of the system Redis), and it never runs on the proxy's CPU.
 */
import { connect } from 'node:net';
import { startProcess, type StartedProcess } from './processes.ts';

/** True when something on the port answers PING with +PONG. */
export function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString('latin1').startsWith('+PONG')));
  });
}

/** The arguments of a throw-away redis-server: loopback only, no RDB or AOF files. */
export function redisServerArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
}

export function startRedisServer(options: { port: number; dir: string; cpus: string | undefined; env: Record<string, string> }): Promise<StartedProcess> {
  return startProcess({
    name: 'redis-server',
    command: 'redis-server',
    args: redisServerArgs(options.port, options.dir),
    env: options.env,
    cpus: options.cpus,
    ready: () => pong(options.port),
  });
}
