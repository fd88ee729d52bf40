// Shared Jest setup: TypeScript through SWC (types are checked by `tsc` in the typecheck target),
// workspace libraries resolved to their sources through the `@orderly/source` export condition,
// and the few ESM-only dependencies transformed like our own code.
const esmOnly = ['jose', 'uuid', 'cookie'];

module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@orderly/source', 'node', 'node-addons'] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
