/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * What `npm run mutate` runs against each mutant of src/core: the deterministic core tests
 * (scripted transport, fake timers, model-based runs) and the seed conformance suite on a real
 * `ws` server. The fault suite's real-time scenarios would make the run hours long; every
 * behaviour it checks has a deterministic twin here.
 */
export default defineConfig({
  define: { __DEV__: 'true' },
  resolve: {
    alias: [
      {
        find: /^web-socket-client$/,
        replacement: fileURLToPath(new URL('./src/core/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    environment: 'node',
    include: ['test/core/**/*.test.ts', 'test/conformance/**/*.test.ts'],
    exclude: ['test/core/react-native.test.ts', 'test/core/no-react.test.ts'],
    // Fewer model-based runs per mutant: the seed is fixed, so the same runs every time.
    env: { FC_RUNS: '300' },
  },
});
