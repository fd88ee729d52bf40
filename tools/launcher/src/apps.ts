/** The processes the launcher knows: the four services and the gateway, where they live and what they own. */

export type ServiceName = 'auth' | 'orders' | 'notifications' | 'reporting';
export type AppName = ServiceName | 'gateway';

export interface AppDefinition {
  name: AppName;
  /** Directory of the workspace, relative to the repository root. */
  dir: string;
  /** The Postgres schema the app owns (services only). */
  schema?: string;
  /** The gateway variable listing this service's instances (services only). */
  upstreamVariable?: 'AUTH_URL' | 'ORDERS_URL' | 'NOTIFICATIONS_URL' | 'REPORTING_URL';
}

export const SERVICES: readonly AppDefinition[] = [
  { name: 'auth', dir: 'services/auth', schema: 'auth', upstreamVariable: 'AUTH_URL' },
  { name: 'orders', dir: 'services/orders', schema: 'orders', upstreamVariable: 'ORDERS_URL' },
  { name: 'notifications', dir: 'services/notifications', schema: 'notifications', upstreamVariable: 'NOTIFICATIONS_URL' },
  { name: 'reporting', dir: 'services/reporting', schema: 'reporting', upstreamVariable: 'REPORTING_URL' },
];

export const GATEWAY: AppDefinition = { name: 'gateway', dir: 'gateway' };

/** Every app, in start order. */
export const APPS: readonly AppDefinition[] = [...SERVICES, GATEWAY];

/** Entry points of an app, relative to the repository root. */
export function entryPoints(app: AppDefinition): { main: string; migrate: string } {
  return { main: `${app.dir}/src/main.ts`, migrate: `${app.dir}/src/migrate.ts` };
}
