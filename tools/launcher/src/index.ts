/** The launcher's reusable pieces, for tests and tools: see main.ts for `npm start` itself. */
export * from './apps.ts';
export * from './config.ts';
export * from './database.ts';
export * from './dev-keys.ts';
export * from './infra-check.ts';
export * from './launcher-process.ts';
export * from './log-prefix.ts';
export * from './ports.ts';
export * from './processes.ts';
export * from './readiness.ts';
export * from './summary.ts';
export * from './supervisor.ts';
