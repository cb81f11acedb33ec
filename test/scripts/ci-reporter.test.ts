import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import CiReporter from '../../scripts/ci-reporter.mjs';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The parts of Vitest's TestModule the reporter reads. */
const testModule = (
  project: string,
  file: string,
  state: string,
  tests: string[],
  errors: { name: string; message: string }[] = [],
) => ({
  project: { name: project },
  moduleId: file,
  state: () => state,
  errors: () => errors,
  children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) })) },
});

it('writes per-file project, state, errors and test counts, and the unhandled errors', () => {
  dir = mkdtempSync(join(tmpdir(), 'ci-reporter-'));
  const reporter = new CiReporter({ outputFile: 'out.json' });
  reporter.onInit({ config: { root: dir } } as never);
  reporter.onTestRunEnd(
    [
      testModule('node', join(dir, 'test/a.test.ts'), 'failed', ['passed', 'failed', 'skipped']),
      testModule('browser (chromium)', join(dir, 'test/b.test.tsx'), 'pending', []),
      testModule(
        'react',
        join(dir, 'test/c.test.tsx'),
        'failed',
        [],
        [{ name: 'SyntaxError', message: 'Unexpected token\n  at line 3' }],
      ),
    ] as never,
    [{ name: 'Error', message: 'browserType.launch: Failed to launch chromium' }] as never,
    'failed',
  );
  expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))).toEqual({
    reason: 'failed',
    unhandledErrors: ['Error: browserType.launch: Failed to launch chromium'],
    modules: [
      {
        project: 'node',
        file: 'test/a.test.ts',
        state: 'failed',
        errors: [],
        tests: { passed: 1, failed: 1, skipped: 1, pending: 0 },
      },
      {
        project: 'browser (chromium)',
        file: 'test/b.test.tsx',
        state: 'pending',
        errors: [],
        tests: { passed: 0, failed: 0, skipped: 0, pending: 0 },
      },
      {
        project: 'react',
        file: 'test/c.test.tsx',
        state: 'failed',
        errors: ['SyntaxError: Unexpected token'],
        tests: { passed: 0, failed: 0, skipped: 0, pending: 0 },
      },
    ],
  });
});

it.each([
  [
    '--outputFile.ci on the command line',
    { ci: 'from-cli.json', json: 'other.json' },
    'from-cli.json',
  ],
  ['nothing configured', undefined, 'report.json'],
])('with %s, writes where it says', (_, outputFile, written) => {
  dir = mkdtempSync(join(tmpdir(), 'ci-reporter-'));
  const reporter = new CiReporter();
  reporter.onInit({ config: { root: dir, outputFile } } as never);
  reporter.onTestRunEnd([] as never, [] as never, 'passed');
  expect(JSON.parse(readFileSync(join(dir, written), 'utf8'))).toEqual({
    reason: 'passed',
    unhandledErrors: [],
    modules: [],
  });
});
