import { defineConfig } from 'tsdown';

// Two entries. `src/react/index.ts` imports the core through a relative path; Rolldown sees the
// shared module graph and emits `dist/react.js` as `import { ... } from './index.js'` (or via a
// shared chunk), so the core code ships once and `instanceof` checks work across both entries.
export default defineConfig({
  entry: {
    index: 'src/core/index.ts',
    react: 'src/react/index.ts',
  },
  format: ['esm'],
  dts: true,
  target: 'es2020',
  platform: 'neutral',
  outDir: 'dist',
  clean: true,
  minify: false,
  sourcemap: false,
  deps: {
    // React is an optional peer dependency: never bundle it.
    neverBundle: ['react', 'react-dom', 'react/jsx-runtime'],
  },
});
