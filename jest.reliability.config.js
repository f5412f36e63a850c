// `npm run test:reliability`: faults, bounded load and fuzzing (test/reliability/*.reliability.ts).
// Not part of `npm test` (its files do not match *.test.ts). One file at a time: the parts measure
// memory and handles of this process and must not overlap.
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability.ts'],
  maxWorkers: 1,
  testTimeout: 180_000,
  globalSetup: '<rootDir>/test/reliability/global-setup.ts',
  globalTeardown: '<rootDir>/test/reliability/global-teardown.ts',
};
