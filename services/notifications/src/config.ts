import { loadConfig, serviceEnv } from '@orderly/config';
import { Type, type Static } from '@sinclair/typebox';

export const NotificationsEnv = Type.Object({
  ...serviceEnv({ port: 3003, schema: 'notifications' }),
});

export type NotificationsConfig = Static<typeof NotificationsEnv>;

export function loadNotificationsConfig(env?: Record<string, string | undefined>): NotificationsConfig {
  return loadConfig(NotificationsEnv, env);
}
