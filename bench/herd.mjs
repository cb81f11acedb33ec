// Thundering herd (simulation): N real clients from the built dist/index.js, connected to one
// scripted server on a virtual clock, lose it at once; it is back `down` ms later. The harness is
// test/support/herd.ts (the same as the fault test's), bundled on the fly with esbuild; it drives
// the socket's own retry path. Rows: the shipped default (no backoff option; Math.random seeded
// per run) vs an explicit BinaryExponentialBackoff(100 ms, 7), which is the same schedule without
// jitter; several seeds.
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  barChart,
  DIST_CORE,
  ensureBuilt,
  fmt,
  fmtRange,
  mdTable,
  ROOT,
  standalone,
  summary,
} from './lib.mjs';

export const COMMAND = 'node bench/herd.mjs';
const HERD = join(ROOT, 'test', 'support', 'herd.ts');

export const config = (quick) =>
  quick ? { clients: 1000, down: 10_000, seeds: 1 } : { clients: 10_000, down: 10_000, seeds: 5 };

const load = async () => {
  const out = await build({
    entryPoints: [HERD],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const code = Buffer.from(out.outputFiles[0].contents).toString('base64');
  return import(`data:text/javascript;base64,${code}`);
};

export const run = async (flags = {}) => {
  ensureBuilt(flags.build);
  const herd = await load();
  const { WebSocket, BinaryExponentialBackoff } = await import(DIST_CORE);
  const cfg = config(flags.quick);
  const variants = [
    { id: 'jittered', label: 'the shipped default (no `backoff` option)', ours: true },
    {
      id: 'plain',
      label: '`backoff: new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 })`: no jitter',
      backoff: () => new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 }),
    },
  ];
  const rows = [];
  for (const v of variants) {
    const rs = [];
    // Without jitter nothing is random: one run says it all.
    for (let seed = 1; seed <= (v.backoff ? 1 : cfg.seeds); seed++) {
      rs.push(
        await herd.simulateHerd({
          WebSocket,
          clients: cfg.clients,
          down: cfg.down,
          backoff: v.backoff,
          seed,
        }),
      );
    }
    rows.push({
      id: v.id,
      label: v.label,
      ours: !!v.ours,
      peak: summary(rs.map((r) => r.peak)),
      p50: summary(rs.map((r) => r.p50)),
      p99: summary(rs.map((r) => r.p99)),
      max: summary(rs.map((r) => r.max)),
      attempts: summary(rs.map((r) => r.attempts)),
      gaveUp: summary(rs.map((r) => r.gaveUp)),
      back: summary(rs.map((r) => r.back)),
    });
  }
  return { cfg, rows };
};

export const render = (result) => {
  const { cfg, rows } = result;
  return `${mdTable(
    [
      'Backoff',
      'peak connects / 100 ms',
      'p50 reconnect after return (ms)',
      'p99 (ms)',
      'max (ms)',
      'attempts',
      'back / gave up',
    ],
    rows.map((r) => [
      r.ours ? `**${r.label}**` : r.label,
      fmtRange(r.peak, 0),
      fmtRange(r.p50, 0),
      fmtRange(r.p99, 0),
      fmtRange(r.max, 0),
      fmtRange(r.attempts, 0),
      `${fmt(r.back.median)} / ${fmt(r.gaveUp.median)}`,
    ]),
  )}\n\n${fmt(cfg.clients)} real \`WebSocket\`s from dist/, \`environment: null\`, on a virtual clock (the \`scheduler\` option) with a scripted server (test/support/herd.ts, the harness of test/faults/herd.test.ts): connected for a minute, then the server is gone for ${cfg.down / 1000} s. An attempt learns its fate 1 ms after it starts (refused: \`error\`, then \`close\` 1006). \`Math.random\` is a seeded PRNG during each run (the default jitter reads it); ${cfg.seeds} seed${cfg.seeds > 1 ? 's' : ''}: median (min–max); the row without jitter is deterministic and runs once. Attempts count every connect after the drop. Server capacity is not modelled.`;
};

export const chart = (result) =>
  barChart({
    title: `Thundering herd: peak connects in the busiest 100 ms (${fmt(result.cfg.clients)} clients)`,
    subtitle: `server down ${result.cfg.down / 1000} s; simulation on a virtual clock`,
    groups: [
      {
        label: '',
        bars: result.rows.map((r) => ({
          label: r.id === 'jittered' ? 'jittered (default)' : 'no jitter',
          value: r.peak.median,
          ours: r.ours,
          text: `${fmt(r.peak.median)} · p99 ${fmt(r.p99.median)} ms`,
        })),
      },
    ],
  });

await standalone(import.meta.url, run, render);
