// @vitest-environment node
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../src/react/index.ts', import.meta.url));

/** What a bundler keeps of the React entry when an app imports only `names`. */
const bundle = async (names: string[]): Promise<string> => {
  const out = await build({
    stdin: {
      contents: `export { ${names.join(', ')} } from ${JSON.stringify(entry)};`,
      resolveDir: '.',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    external: ['react', 'react-dom', 'react/jsx-runtime'],
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]?.text ?? '';
};

// Every hook names itself in its "outside a provider" error: the name is in a bundle iff the hook is.
const hooks = [
  'useWebSocket',
  'useConnectionState',
  'useMessages',
  'useMessageListener',
  'useSend',
  'useReconnect',
];

describe('the React entry tree-shakes per hook', () => {
  it.each(hooks)(
    'importing only the provider and %s keeps that hook and no other',
    async (hook) => {
      const code = await bundle(['WebSocketProvider', hook]);
      for (const other of hooks) {
        expect(code.includes(`"${other}"`), `${other} in a bundle of ${hook}`).toBe(other === hook);
      }
    },
  );
});
