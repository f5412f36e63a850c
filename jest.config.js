// Native ESM jest (got and its dependencies are ESM-only); ts-jest transpiles, `tsc --noEmit` type-checks.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  cacheDirectory: '<rootDir>/.jest-cache',
  testTimeout: 30000,
};
