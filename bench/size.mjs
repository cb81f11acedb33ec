// Bundle size: every entry is built the same way as in docs (peers.md §2): esbuild bundle +
// minify, ESM, react/react-dom external; then min, min+gzip (-9) and min+brotli (quality 11).
// Entries re-export only what the row names, from the built dist/ for our package.
// The budgets are the ones CI enforces: `size-limit --json` is run on package.json's own
// `size-limit` entries, and its measurements and limits are reported as they are.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  barChart,
  DIST_CORE,
  DIST_REACT,
  ensureBuilt,
  fmt,
  mdTable,
  ROOT,
  standalone,
} from './lib.mjs';

const core = JSON.stringify(DIST_CORE);
const react = JSON.stringify(DIST_REACT);

export const ENTRIES = [
  {
    id: 'coreWebSocket',
    short: '{ WebSocket }',
    ours: true,
    name: 'web-socket-client: `import { WebSocket }`',
    code: `export { WebSocket } from ${core};`,
  },
  {
    id: 'coreAll',
    short: 'core *',
    ours: true,
    name: 'web-socket-client: core `*`',
    code: `export * from ${core};`,
  },
  {
    id: 'reactHooks',
    short: 'provider + 3 hooks',
    ours: true,
    name: 'web-socket-client/react: provider + useConnectionState + useMessages + useSend (core incl.)',
    code: `export { WebSocketProvider, useConnectionState, useMessages, useSend } from ${react};`,
  },
  {
    id: 'reactAll',
    short: 'react * (incl. core)',
    ours: true,
    name: 'web-socket-client/react: `*` (core incl.)',
    code: `export * from ${react};`,
  },
  {
    id: 'both',
    short: 'core * + react *',
    ours: true,
    name: 'web-socket-client: core `*` + react `*`',
    code: `export * from ${core};\nexport * from ${react};`,
  },
  {
    id: 'ruw',
    short: 'react-use-websocket (all)',
    name: 'react-use-websocket: default, useSocketIO, ReadyState, useEventSource, resetGlobalState',
    code: `export { default, useSocketIO, ReadyState, useEventSource, resetGlobalState } from 'react-use-websocket';`,
  },
  {
    id: 'ruwHook',
    short: 'react-use-websocket hook',
    name: 'react-use-websocket: `default` (hook) only',
    code: `export { default } from 'react-use-websocket';`,
  },
  {
    id: 'ps',
    short: 'partysocket',
    name: 'partysocket: default, PartySocket, WebSocket',
    code: `export { default, PartySocket, WebSocket } from 'partysocket';`,
  },
  {
    id: 'psWs',
    short: 'partysocket/ws',
    name: 'partysocket/ws: default (reconnecting core)',
    code: `export { default } from 'partysocket/ws';`,
  },
  {
    id: 'psReact',
    short: 'partysocket/react',
    name: 'partysocket/react: usePartySocket + useWebSocket (core incl.)',
    code: `export { default as usePartySocket, useWebSocket } from 'partysocket/react';`,
  },
  {
    id: 'psUseWs',
    short: 'partysocket/use-ws',
    name: 'partysocket/use-ws: default (plain-URL hook + core)',
    code: `export { default } from 'partysocket/use-ws';`,
  },
  {
    id: 'rws',
    short: 'reconnecting-websocket',
    name: 'reconnecting-websocket: default',
    code: `export { default } from 'reconnecting-websocket';`,
  },
  {
    id: 'wts',
    short: 'websocket-ts *',
    name: 'websocket-ts: `*`',
    code: `export * from 'websocket-ts';`,
  },
  {
    id: 'wtsBuilder',
    short: 'websocket-ts builder',
    name: 'websocket-ts: WebsocketBuilder + ExponentialBackoff',
    code: `export { WebsocketBuilder, ExponentialBackoff } from 'websocket-ts';`,
  },
  {
    id: 'sockette',
    short: 'sockette',
    name: 'sockette: default',
    code: `export { default } from 'sockette';`,
  },
];

export const COMMAND = 'node bench/size.mjs';

const measure = async (entry) => {
  const out = await build({
    stdin: { contents: entry.code, resolveDir: ROOT, loader: 'js', sourcefile: `${entry.id}.js` },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['react', 'react-dom'],
    write: false,
    logLevel: 'silent',
  });
  const bytes = out.outputFiles[0].contents;
  return {
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
};

/**
 * What `npm run size` checks in CI: package.json's `size-limit` entries, measured by size-limit
 * itself. Returns [{ name, path, import, limit (the configured text), size, sizeLimit, passed }].
 */
const budgets = () => {
  const entries = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))['size-limit'] ?? [];
  const out = execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'size-limit', 'bin.js'), '--json'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const measured = JSON.parse(out.toString());
  return entries.map((e) => {
    const m = measured.find((x) => x.name === e.name);
    if (!m) throw new Error(`size-limit reported nothing for "${e.name}"`);
    return {
      name: e.name,
      path: e.path,
      import: e.import,
      gzip: e.gzip !== false,
      limit: e.limit,
      size: m.size,
      sizeLimit: m.sizeLimit,
      passed: m.passed,
    };
  });
};

export const run = async (flags = {}) => {
  ensureBuilt(flags.build);
  const rows = [];
  for (const e of ENTRIES) rows.push({ ...e, code: undefined, ...(await measure(e)) });
  return { rows, budgets: budgets() };
};

export const render = ({ rows, budgets }) => {
  const ruw = rows.find((r) => r.id === 'ruwHook');
  const table = mdTable(
    [
      'Entry (what is re-exported)',
      'min (B)',
      'min+gzip -9 (B)',
      'min+brotli 11 (B)',
      'gzip vs RUW hook',
    ],
    rows.map((r) => [
      r.ours ? `**${r.name}**` : r.name,
      fmt(r.min),
      fmt(r.gzip),
      fmt(r.brotli),
      `${fmt(r.gzip / ruw.gzip, 2)}×`,
    ]),
  );
  const enforced = mdTable(
    ['size-limit entry (package.json)', 'measures', 'size (B)', 'limit', 'passes'],
    budgets.map((b) => [
      b.name,
      `\`import ${b.import} from '${b.path}'\`${b.gzip ? ', gzip' : ''}`,
      fmt(b.size),
      `${b.limit} (${fmt(b.sizeLimit)} B)`,
      b.passed ? '✅' : `❌ (+${fmt(b.size - b.sizeLimit)} B)`,
    ]),
    ['l', 'l', 'r', 'r', 'r'],
  );
  return `${table}\n\n**Budgets CI enforces** (\`npm run size\`, read from package.json's \`size-limit\` entries and measured by size-limit itself in this run):\n\n${enforced}`;
};

export const chart = ({ rows, budgets }) => {
  // The React entry's budget, as size-limit enforces it.
  const react = budgets.find((b) => b.path.endsWith('react.js'));
  const marker = react && {
    value: react.sizeLimit,
    label: `size-limit budget, provider + 3 hooks: ${fmt(react.sizeLimit)} B`,
  };
  return barChart({
    title: 'Bundle size, min + gzip -9 (bytes)',
    subtitle: `esbuild --bundle --minify --format=esm, react external${marker ? ` · dashed: ${marker.label}` : ''}`,
    unit: ' B',
    groups: [
      {
        label: 'web-socket-client',
        bars: rows
          .filter((r) => r.ours)
          .map((r) => ({
            label: r.short,
            value: r.gzip,
            ours: true,
            text: `${fmt(r.gzip)} B`,
          })),
      },
      {
        label: 'peers',
        bars: rows.filter((r) => !r.ours).map((r) => ({ label: r.short, value: r.gzip })),
      },
    ],
    marker,
  });
};

await standalone(import.meta.url, run, render);
