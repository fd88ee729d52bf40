import { LOCAL_REDIS, loadConfig, serviceEnv, Url } from '@orderly/config';
import { Type, type Static } from '@sinclair/typebox';

export const ReportingEnv = Type.Object({
  ...serviceEnv({ port: 3004, schema: 'reporting' }),
  REDIS_URL: Url(LOCAL_REDIS, ['redis', 'rediss']),
  REDIS_KEY_PREFIX: Type.String({ default: 'orderly:' }),
});

export type ReportingConfig = Static<typeof ReportingEnv>;

export function loadReportingConfig(env?: Record<string, string | undefined>): ReportingConfig {
  return loadConfig(ReportingEnv, env);
}
