export * from './infra.ts';
export * from './names.ts';
export * from './postgres.ts';
export * from './tcp-proxy.ts';
export type { InfraUrls } from './config.ts';
