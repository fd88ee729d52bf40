/** The DLQ command's configuration: the only place of this library that reads the environment. */

export interface DlqCommandConfig {
  amqpUrl: string;
}

export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export function loadDlqCommandConfig(env: Record<string, string | undefined> = process.env): DlqCommandConfig {
  const amqpUrl = env.AMQP_URL || DEFAULT_AMQP_URL;
  if (!/^amqps?:\/\//.test(amqpUrl)) throw new Error('AMQP_URL must start with amqp:// or amqps://');
  return { amqpUrl };
}
