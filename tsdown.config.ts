import { defineConfig, type UserConfig } from 'tsdown';

// The React entry must not carry its own copy of the core (two copies would break `instanceof`
// and double the size): its imports of src/core resolve to the published `./index.js`.
const coreAsSibling = {
  name: 'core-as-sibling',
  resolveId(id: string, importer: string | undefined) {
    if (importer?.includes('/src/react/') && /(^|\/)core(\/index)?(\.ts)?$/.test(id)) {
      return { id: './index.js', external: true };
    }
    return null;
  },
};

const shared: UserConfig = {
  format: ['esm'],
  dts: true,
  // Class fields and optional chaining stay native: every supported runtime has them.
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  minify: false,
  sourcemap: false,
};

export default defineConfig([
  { ...shared, entry: { index: 'src/core/index.ts' }, clean: true },
  {
    ...shared,
    entry: { react: 'src/react/index.ts' },
    clean: false,
    plugins: [coreAsSibling],
    // React is an optional peer dependency: never bundle it.
    deps: { neverBundle: ['react', 'react-dom', 'react/jsx-runtime'] },
  },
]);
