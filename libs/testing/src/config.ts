/**
 * Where the test servers are. URLs from the environment win; without them, containers are
 * started with testcontainers when a Docker engine answers; otherwise the local default servers.
 */
import { existsSync } from 'node:fs';

export interface InfraUrls {
  /** An administrator connection (creates databases and roles). */
  postgresAdminUrl: string;
  amqpUrl: string;
  redisUrl: string;
}

const env = process.env;

export const configuredUrls: Partial<InfraUrls> = {
  postgresAdminUrl: env.TEST_DATABASE_URL ?? env.DATABASE_ADMIN_URL,
  amqpUrl: env.TEST_AMQP_URL ?? env.AMQP_URL,
  redisUrl: env.TEST_REDIS_URL ?? env.REDIS_URL,
};

export const localDefaults: InfraUrls = {
  postgresAdminUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
  redisUrl: 'redis://127.0.0.1:6379',
};

export function dockerAvailable(): boolean {
  if (env.TESTCONTAINERS === 'false') return false;
  return Boolean(env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}
