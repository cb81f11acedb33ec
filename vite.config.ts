/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/core/**/*.test.ts',
            'test/conformance/**/*.test.ts',
            'test/faults/**/*.test.ts',
            'test/support/**/*.test.ts',
          ],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'react',
          environment: 'jsdom',
          include: ['test/react/**/*.test.{ts,tsx}'],
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
      // Browser project(s) go here later: @vitest/browser-playwright driving /usr/bin/chromium
      // (one fresh `browser` config object per project; Vitest mutates `instances`).
      // Storybook project goes here later: @storybook/addon-vitest's storybookTest() plugin,
      // running every story's `play` function in Chromium.
    ],
  },
});
