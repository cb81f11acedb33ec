import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CiReport,
  EXPECTED_PROJECTS,
  summarize,
  summarizeFile,
} from '../../scripts/ci-summary.mjs';

type Module = CiReport['modules'][number];

const module = (project: string, file: string, over: Partial<Module> = {}): Module => ({
  project,
  file,
  state: 'passed',
  errors: [],
  tests: { passed: 3, failed: 0, skipped: 0, pending: 0 },
  ...over,
});

/** A run in which every project vite.config.ts defines ran and passed: 3 tests per file. */
const green = (): CiReport => ({
  reason: 'passed',
  unhandledErrors: [],
  modules: [
    module('node', 'test/core/web-socket.test.ts'),
    module('react', 'test/react/provider.test.tsx'),
    module('types', 'test/types/core.test-d.ts'),
    module('browser (chromium)', 'test/browser/hooks.test.tsx'),
    module('storybook (chromium)', 'stories/Chat.stories.tsx'),
    module('storybook-mock (chromium)', 'stories/Chat.stories.tsx'),
  ],
});

describe('the CI summary line', () => {
  it('all green: every test passed, nothing failed', () => {
    const summary = summarize(green(), { exitCode: 0 });
    expect(summary.line).toBe('18 passed, 0 failed');
    expect(summary.problems).toEqual([]);
  });

  it('expects the six projects vite.config.ts defines', () => {
    expect(EXPECTED_PROJECTS).toEqual([
      'node',
      'react',
      'types',
      'browser',
      'storybook',
      'storybook-mock',
    ]);
  });

  it('counts failed tests', () => {
    const report = green();
    report.modules[0] = module('node', 'test/core/web-socket.test.ts', {
      state: 'failed',
      tests: { passed: 1, failed: 2, skipped: 0, pending: 0 },
    });
    expect(summarize(report, { exitCode: 1 }).line).toBe('16 passed, 2 failed');
  });

  it.each(EXPECTED_PROJECTS)('a project that is missing from the run (%s) is a failure', (name) => {
    const report = green();
    report.modules = report.modules.filter((m) => m.project.replace(/ \(.*\)$/, '') !== name);
    const summary = summarize(report, { exitCode: 0 });
    expect(summary.line).toBe('15 passed, 1 failed');
    expect(summary.problems).toEqual([`project "${name}" ran no tests`]);
  });

  it('a project whose files hold no test that ran (all skipped) is a failure', () => {
    const report = green();
    report.modules[2] = module('types', 'test/types/core.test-d.ts', {
      state: 'skipped',
      tests: { passed: 0, failed: 0, skipped: 4, pending: 0 },
    });
    expect(summarize(report, { exitCode: 0 }).problems).toEqual(['project "types" ran no tests']);
  });

  it('a file that failed to load is a failure, though it has no failed test', () => {
    const report = green();
    report.modules.push(
      module('node', 'test/faults/cuts.test.ts', {
        state: 'failed',
        errors: ["Error: Cannot find module './fixture'"],
        tests: { passed: 0, failed: 0, skipped: 0, pending: 0 },
      }),
    );
    const summary = summarize(report, { exitCode: 1 });
    expect(summary.line).toBe('18 passed, 1 failed');
    expect(summary.problems).toEqual([
      "node: test/faults/cuts.test.ts: Error: Cannot find module './fixture'",
    ]);
  });

  it('a hook error beside failed tests counts both', () => {
    const report = green();
    report.modules[1] = module('react', 'test/react/provider.test.tsx', {
      state: 'failed',
      errors: ['Error: afterAll hook timed out'],
      tests: { passed: 2, failed: 1, skipped: 0, pending: 0 },
    });
    expect(summarize(report, { exitCode: 1 }).line).toBe('17 passed, 2 failed');
  });

  it('a file that never ran (Chromium missing) and the unhandled error are failures', () => {
    // What Vitest reports when the browser cannot start: the file stays pending, no test runs,
    // the launch error is unhandled, and Vitest's own JSON report says 0 failed.
    const report = green();
    report.modules[3] = module('browser (chromium)', 'test/browser/hooks.test.tsx', {
      state: 'pending',
      tests: { passed: 0, failed: 0, skipped: 0, pending: 0 },
    });
    report.unhandledErrors = [
      "Error: browserType.launch: Failed to launch chromium because executable doesn't exist",
    ];
    const summary = summarize(report, { exitCode: 1 });
    expect(summary.line).toBe('15 passed, 3 failed');
    expect(summary.problems).toEqual([
      'browser (chromium): test/browser/hooks.test.tsx: never ran (pending)',
      "unhandled: Error: browserType.launch: Failed to launch chromium because executable doesn't exist",
      'project "browser" ran no tests',
    ]);
  });

  it('an interrupted run is a failure', () => {
    const report = { ...green(), reason: 'interrupted' };
    expect(summarize(report, { exitCode: 130 }).line).toBe('18 passed, 1 failed');
  });

  it('a non-zero exit that nothing in the report explains is a failure', () => {
    const summary = summarize(green(), { exitCode: 1 });
    expect(summary.line).toBe('18 passed, 1 failed');
    expect(summary.problems).toEqual(['vitest exited with status 1 and reported no failure']);
  });

  it('takes the expected projects from its caller', () => {
    const report = green();
    report.modules = report.modules.slice(0, 1);
    expect(summarize(report, { exitCode: 0, expectedProjects: ['node'] }).line).toBe(
      '3 passed, 0 failed',
    );
  });
});

describe('summarizeFile', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads a report from disk', () => {
    dir = mkdtempSync(join(tmpdir(), 'ci-summary-'));
    const path = join(dir, 'report.json');
    writeFileSync(path, JSON.stringify(green()));
    expect(summarizeFile(path, 0).line).toBe('18 passed, 0 failed');
  });

  it.each([
    ['missing', undefined],
    ['unparsable', '{"reason": "pa'],
  ])('a %s report is one failure', (_, content) => {
    dir = mkdtempSync(join(tmpdir(), 'ci-summary-'));
    const path = join(dir, 'report.json');
    if (content !== undefined) writeFileSync(path, content);
    const summary = summarizeFile(path, 1);
    expect(summary.line).toBe('0 passed, 1 failed');
    expect(summary.problems[0]).toContain(`no readable report at ${path}`);
  });
});
