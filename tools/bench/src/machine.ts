/** What the numbers were measured on: CPU, memory, kernel, runtimes and server versions. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { connect as connectAmqp } from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { nginxVersion } from './nginx.ts';

export interface Machine {
  cpuModel: string;
  cores: number;
  memory: string;
  kernel: string;
  os: string;
  node: string;
  postgres: string;
  /** The server settings that bound a write transaction's cost. */
  postgresSettings: string;
  rabbitmq: string;
  redis: string;
  nginx: string;
  pgbench: string;
  loadAverage: string;
  /** CPUs busy with other work over the 2 s before the run (filled in by main.ts). */
  busyBeforeStart?: number;
}

/** The `model name` of the first processor in a /proc/cpuinfo text. */
export function cpuModelFrom(cpuinfo: string): string | undefined {
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
}

/** MemTotal of a /proc/meminfo text, in GiB with one decimal. */
export function memoryFrom(meminfo: string): string | undefined {
  const kib = /^MemTotal:\s+(\d+) kB$/m.exec(meminfo)?.[1];
  return kib === undefined ? undefined : `${(Number(kib) / 1024 / 1024).toFixed(1)} GiB`;
}

/** PRETTY_NAME of an /etc/os-release text. */
export function osFrom(osRelease: string): string | undefined {
  return /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1];
}

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

async function attempt(what: () => Promise<string>): Promise<string> {
  try {
    return await what();
  } catch (error) {
    return `unknown (${(error as Error).message})`;
  }
}

export interface MachineUrls {
  postgres: string;
  amqp: string;
  redis: string;
}

export async function describeMachine(urls: MachineUrls): Promise<Machine> {
  const postgresSettings = attempt(async () => {
    const client = new pg.Client({ connectionString: urls.postgres });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
        `SELECT name, setting, unit FROM pg_settings
         WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method', 'shared_buffers', 'max_connections') ORDER BY name`,
      );
      return rows.map((r) => `${r.name}=${r.unit === '8kB' ? `${(Number(r.setting) * 8) / 1024}MB` : `${r.setting}${r.unit ?? ''}`}`).join(', ');
    } finally {
      await client.end();
    }
  });
  const postgres = attempt(async () => {
    const client = new pg.Client({ connectionString: urls.postgres });
    await client.connect();
    try {
      return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    } finally {
      await client.end();
    }
  });
  const rabbitmq = attempt(async () => {
    const connection = await connectAmqp(urls.amqp);
    try {
      const properties = (connection.connection as unknown as { serverProperties?: Record<string, unknown> }).serverProperties;
      return String(properties?.version ?? 'unknown');
    } finally {
      await connection.close();
    }
  });
  const redis = attempt(async () => {
    const client = new Redis(urls.redis, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    try {
      return /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? 'unknown';
    } finally {
      client.disconnect();
    }
  });
  let pgbench = 'not installed';
  try {
    pgbench = execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as not installed
  }
  return {
    cpuModel: cpuModelFrom(read('/proc/cpuinfo')) ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memory: memoryFrom(read('/proc/meminfo')) ?? `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    os: osFrom(read('/etc/os-release')) ?? 'unknown',
    node: process.version,
    postgres: await postgres,
    postgresSettings: await postgresSettings,
    rabbitmq: await rabbitmq,
    redis: await redis,
    nginx: nginxVersion()?.replace(/^nginx version:\s*/, '') ?? 'not installed',
    pgbench,
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' / '),
  };
}
