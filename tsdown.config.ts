import { defineConfig, type UserConfig } from 'tsdown';

/**
 * Two builds of each entry: production (`index.js`, `react.js`, `tabs.js`), where errors carry their code
 * and the offending value, and development (`*.development.js`, picked by the `development`
 * export condition that Vite, webpack and Next.js set in dev), with the full prose (DESIGN §9).
 */
const variants = [
  { suffix: '', dev: false },
  { suffix: '.development', dev: true },
] as const;

// The React and tabs entries must not carry their own copy of the core (two copies would break
// `instanceof` and double the size): their imports of src/core resolve to the sibling core of
// the same variant. The tabs entry borrows a few internal pieces of the core (the emitter,
// byteLength): those are bundled, and the errors they throw are the sibling's own classes.
const coreAsSibling = (suffix: string) => ({
  name: 'core-as-sibling',
  resolveId(id: string, importer: string | undefined) {
    const sibling = { id: `./index${suffix}.js`, external: true };
    if (!importer) return null;
    if (/\/src\/(react|tabs)\//.test(importer) && /(^|\/)core(\/index)?(\.ts)?$/.test(id)) {
      return sibling;
    }
    if (importer.includes('/src/core/') && /^\.\/errors(\.ts)?$/.test(id)) return sibling;
    return null;
  },
});

const shared = (dev: boolean): UserConfig => ({
  format: ['esm'],
  // One set of declarations: both variants have the same API.
  dts: !dev,
  // Class fields and optional chaining stay native: every supported runtime has them.
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  minify: false,
  sourcemap: false,
  define: { __DEV__: String(dev) },
});

export default defineConfig(
  variants.flatMap(({ suffix, dev }, i) => [
    { ...shared(dev), entry: { [`index${suffix}`]: 'src/core/index.ts' }, clean: i === 0 },
    {
      ...shared(dev),
      entry: { [`react${suffix}`]: 'src/react/index.ts' },
      clean: false,
      plugins: [coreAsSibling(suffix)],
      // React is an optional peer dependency: never bundle it.
      deps: { neverBundle: ['react', 'react-dom', 'react/jsx-runtime'] },
    },
    {
      ...shared(dev),
      entry: { [`tabs${suffix}`]: 'src/tabs/index.ts' },
      clean: false,
      plugins: [coreAsSibling(suffix)],
    },
  ]),
);
