/** The real servers the launcher's tests use: URLs from the environment, else the local defaults. */
import net from 'node:net';

const env = process.env;

export const infraUrls = {
  postgres: env.TEST_DATABASE_URL ?? env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  rabbitmq: env.TEST_AMQP_URL ?? env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redis: env.TEST_REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago and is closed again). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
