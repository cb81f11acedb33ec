// Thundering herd (simulation): N clients lose the server at t = 0, it is back at t = down.
// Uses test/support/herd.ts (the real backoff classes on a virtual clock), bundled on the fly
// with esbuild. Default jittered backoff vs the same schedule without jitter; several seeds.
// Skipped (returns null) when test/support/herd.ts is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { barChart, fmt, fmtRange, mdTable, ROOT, standalone, summary } from './lib.mjs';

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
  if (!existsSync(HERD)) return null;
  const herd = await load();
  const cfg = config(flags.quick);
  const variants = [
    {
      id: 'jittered',
      label: 'default: withJitter(BinaryExponentialBackoff(100 ms, 7))',
      ours: true,
      backoff: herd.defaultBackoff,
    },
    { id: 'plain', label: 'same schedule, no jitter', backoff: () => herd.unjitteredBackoff() },
  ];
  const rows = variants.map((v) => {
    const rs = [];
    for (let seed = 1; seed <= cfg.seeds; seed++) {
      rs.push(
        herd.simulateHerd({ clients: cfg.clients, down: cfg.down, backoff: v.backoff, seed }),
      );
    }
    return {
      id: v.id,
      label: v.label,
      ours: !!v.ours,
      peak: summary(rs.map((r) => r.peak)),
      p50: summary(rs.map((r) => r.p50)),
      p99: summary(rs.map((r) => r.p99)),
      max: summary(rs.map((r) => r.max)),
      attempts: summary(rs.map((r) => r.attempts)),
      gaveUp: summary(rs.map((r) => r.gaveUp)),
    };
  });
  return { cfg, rows };
};

export const render = (result) => {
  if (!result) return '_Skipped: test/support/herd.ts not found._';
  const { cfg, rows } = result;
  return `${mdTable(
    [
      'Backoff',
      'peak connects / 100 ms',
      'p50 reconnect after return (ms)',
      'p99 (ms)',
      'max (ms)',
      'attempts',
      'gave up',
    ],
    rows.map((r) => [
      r.ours ? `**${r.label}**` : r.label,
      fmtRange(r.peak, 0),
      fmtRange(r.p50, 0),
      fmtRange(r.p99, 0),
      fmtRange(r.max, 0),
      fmt(r.attempts.median),
      fmt(r.gaveUp.median),
    ]),
  )}\n\nSimulation (virtual clock, test/support/herd.ts): ${fmt(cfg.clients)} clients, server down for ${cfg.down / 1000} s, ${cfg.seeds} seed${cfg.seeds > 1 ? 's' : ''}: median (min–max). Server capacity is not modelled.`;
};

export const chart = (result) =>
  result &&
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
