import { configuredUrls, dockerAvailable, localDefaults, type InfraUrls } from './config.ts';

let infra: Promise<InfraUrls> | undefined;

async function startContainers(missing: (keyof InfraUrls)[]): Promise<Partial<InfraUrls>> {
  // Loaded only on this path: machines without Docker never touch testcontainers.
  const started: Partial<InfraUrls> = {};
  if (missing.includes('postgresAdminUrl')) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const pg = await new PostgreSqlContainer('postgres:15-alpine').withReuse().start();
    started.postgresAdminUrl = pg.getConnectionUri();
  }
  if (missing.includes('amqpUrl')) {
    const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
    const mq = await new RabbitMQContainer('rabbitmq:3.13-alpine').withReuse().start();
    started.amqpUrl = mq.getAmqpUrl();
  }
  if (missing.includes('redisUrl')) {
    const { RedisContainer } = await import('@testcontainers/redis');
    const redis = await new RedisContainer('redis:7-alpine').withReuse().start();
    started.redisUrl = redis.getConnectionUrl();
  }
  return started;
}

/** The servers tests run against, resolved once per test process. */
export function testInfra(): Promise<InfraUrls> {
  infra ??= (async () => {
    const missing = (Object.keys(localDefaults) as (keyof InfraUrls)[]).filter((k) => !configuredUrls[k]);
    const started = missing.length > 0 && dockerAvailable() ? await startContainers(missing) : {};
    return { ...localDefaults, ...withoutUndefined(configuredUrls), ...started };
  })();
  return infra;
}

function withoutUndefined<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
