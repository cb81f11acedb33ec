/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from './scripts/chromium.mjs';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Real Chromium (the Debian package; Playwright's own download cannot work here), headless.
 * A fresh object per project: Vitest mutates `instances`, and a shared one fails the second project.
 */
const chromium = () => ({
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        ...CHROMIUM_ARGS,
        // Several projects' pages share the browser: keep their timers and rAF running at full
        // speed in the background (reconnect delays and per-frame renders are what is measured).
        '--disable-background-timer-throttling',
        '--disable-renderer-backgrounding',
        '--disable-backgrounding-occluded-windows',
      ],
    },
  }),
  instances: [{ browser: 'chromium' as const }],
  screenshotFailures: false,
});

/** Whether this Vitest run includes the project `name` (`--project` filters, `*` wildcards). */
const runs = (name: string): boolean => {
  if (!process.env.VITEST) return false; // Storybook itself also loads this file
  const args = process.argv;
  const filters = args.flatMap((arg, i) =>
    arg === '--project' ? [args[i + 1] ?? ''] : arg.startsWith('--project=') ? [arg.slice(10)] : [],
  );
  if (!filters.length || filters.some((f) => f.startsWith('!'))) return true;
  return filters.some((f) =>
    new RegExp(`^${f.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(name),
  );
};

/** Whether this Vitest run names the project `name` in a `--project` filter (not `!name`). */
const asked = (name: string): boolean => {
  const args = process.argv;
  return args.some(
    (arg, i) => (arg === '--project' && args[i + 1] === name) || arg === `--project=${name}`,
  );
};

/**
 * storybookTest() loads Storybook's presets as soon as it is called, about 2 s that every Vitest
 * run would pay, also `--project node` (Vite resolves the plugins of filtered-out projects too).
 * So it is called only for a run that includes the project.
 */
const storybookPlugins = (project: string) =>
  runs(project) ? [storybookTest({ configDir: here('./.storybook') })] : [];

/** The public entry points, resolved to the sources: tests and stories import them by name. */
const entryPoints = [
  { find: /^web-socket-client$/, replacement: here('./src/core/index.ts') },
  { find: /^web-socket-client\/react$/, replacement: here('./src/react/index.ts') },
  { find: /^web-socket-client\/tabs$/, replacement: here('./src/tabs/index.ts') },
];

/**
 * Tests run the sources, as a development build does: errors carry their full prose. A fresh
 * object per project: Vitest mutates `define`, and a shared one leaves the others undefined.
 */
const define = () => ({ __DEV__: 'true' });

export default defineConfig({
  test: {
    projects: [
      {
        define: define(),
        resolve: { alias: entryPoints },
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/core/**/*.test.ts',
            'test/conformance/**/*.test.ts',
            'test/faults/**/*.test.ts',
            'test/support/**/*.test.ts',
            'test/docs/**/*.test.ts',
            'test/scripts/**/*.test.ts',
            'test/runtimes/**/*.test.ts',
            'test/tabs/**/*.test.ts',
          ],
        },
      },
      {
        define: define(),
        plugins: [react()],
        test: {
          name: 'react',
          environment: 'jsdom',
          include: ['test/react/**/*.test.{ts,tsx}'],
        },
      },
      {
        // The package as users install it from source: packed from a copy of the repository,
        // and installed from a git URL, into scratch projects (test/package). npm installs and
        // builds for half a minute of CPU, which would crowd the timing-bounded suites running
        // beside it, so it runs only when named: `npm run test:package`, its own step in .ci/run.
        test: {
          name: 'package',
          environment: 'node',
          include: asked('package') ? ['test/package/**/*.test.ts'] : [],
          hookTimeout: 600_000,
          testTimeout: 60_000,
        },
      },
      {
        // The Next.js example, installed from the packed tarball, built and served for real, in
        // Chromium (test/examples/next-app.test.ts). It installs Next.js into a temp dir and
        // builds an app for a minute or two, so it runs only when named: `npm run test:next`,
        // its own step in .ci/run. A plain `vitest run` finds no files in these two projects.
        test: {
          name: 'next-app',
          environment: 'node',
          include: asked('next-app') ? ['test/examples/**/*.test.ts'] : [],
          hookTimeout: 600_000,
          testTimeout: 200_000,
        },
      },
      {
        // Type-level tests (`expectTypeOf`) in *.test-d.ts, checked by tsc; nothing runs at runtime.
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        // The hooks in real Chromium, with its native WebSocket, against a real `ws` chaos server
        // that globalSetup starts on 127.0.0.1 (URL handed over with provide/inject).
        define: define(),
        plugins: [react()],
        resolve: { alias: entryPoints },
        optimizeDeps: { include: ['react', 'react-dom/client', 'react/jsx-dev-runtime'] },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.{ts,tsx}'],
          globalSetup: ['test/browser/global-setup.ts'],
          // One file at a time: hooks.test.tsx restarts the shared chaos server.
          fileParallelism: false,
          browser: chromium(),
        },
      },
      {
        // Every story's `play` function as a test in Chromium (React, aliases and the rest come
        // from .storybook/main.ts). Its own chaos server: the stories use it instead of the
        // in-page mock. One story file at a time: the resilience lab restarts that server.
        plugins: storybookPlugins('storybook'),
        test: {
          name: 'storybook',
          globalSetup: ['test/browser/global-setup.ts'],
          setupFiles: ['.storybook/vitest.setup.ts'],
          fileParallelism: false,
          testTimeout: 20_000,
          browser: chromium(),
        },
      },
      {
        // The same play functions with no server at all, as in a static build: the stories fall
        // back to the in-page mock server (mock-socket) that runs the same chaos protocol.
        plugins: storybookPlugins('storybook-mock'),
        test: {
          name: 'storybook-mock',
          testTimeout: 20_000,
          browser: chromium(),
        },
      },
    ],
  },
});
