export * from './app.ts';
export * from './auth.ts';
export * from './errors.ts';
export * from './health.ts';
export * from './lifecycle.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './request-id.ts';
export { validatorCompiler } from './validation.ts';
