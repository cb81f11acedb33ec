// Mutation testing of the core: `npm run mutate` (slow; not in CI). Every mutant Stryker makes in
// src/core must make at least one test fail; docs/mutation.md lists the score and the survivors.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/core/**/*.ts', '!src/core/**/*.d.ts', '!src/core/index.ts'],
  testRunner: 'vitest',
  vitest: { configFile: 'stryker.vitest.config.ts' },
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 5_000,
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};
