export * from './pool.ts';
export * from './migrate.ts';
export * from './bootstrap.ts';
export * from './identifiers.ts';
export * from './ids.ts';
export * from './migrate-command.ts';
