// Runs the model-based tests of the core with many more runs than CI and a fresh seed, printed
// first so that a failure can be replayed: FC_SEED=<seed> FC_RUNS=<runs> npm run fuzz.
// fast-check prints the failing seed, the replay path and the shrunk command list.
import { spawnSync } from 'node:child_process';

const seed = process.env.FC_SEED ?? String(Date.now() % 2 ** 31);
const runs = process.env.FC_RUNS ?? '50000';
console.log(`fuzz: FC_SEED=${seed} FC_RUNS=${runs}`);
const { status } = spawnSync(
  'npx',
  ['vitest', 'run', '--project', 'node', 'test/core/web-socket.model.test.ts'],
  { stdio: 'inherit', env: { ...process.env, FC_SEED: seed, FC_RUNS: runs } },
);
process.exit(status ?? 1);
