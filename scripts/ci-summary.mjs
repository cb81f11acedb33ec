// CI's closing line, "N passed, N failed", from the report scripts/ci-reporter.mjs writes.
// A layer that never ran must not read as green: besides failed tests, every suite-level problem
// counts as one failure (a file that failed to load or never ran, an error outside any test, a
// non-zero exit of Vitest nothing else explains, an expected project that ran no test).
//
//   node scripts/ci-summary.mjs <report.json> <vitest exit status> [expected project …]
//
// The expected projects default to those `npm test` runs; .ci/run holds the package and next-app
// projects, which run in steps of their own, to their own names.
// Prints each problem on stderr, the line on stdout, and exits 1 unless it reads "N passed, 0 failed".
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The projects `npm test` runs: each must run at least one test in CI. */
export const EXPECTED_PROJECTS = [
  'node',
  'react',
  'types',
  'browser',
  'storybook',
  'storybook-mock',
];

/** "browser (chromium)" is the browser project's one instance: the project is "browser". */
const projectOf = (name) => name.replace(/ \([^)]*\)$/, '');

/**
 * @param {import('./ci-summary.d.mts').CiReport} report
 * @param {{ exitCode: number, expectedProjects?: readonly string[] }} options
 * @returns {import('./ci-summary.d.mts').Summary}
 */
export const summarize = (report, { exitCode, expectedProjects = EXPECTED_PROJECTS }) => {
  let passed = 0;
  let failedTests = 0;
  const problems = [];
  const ran = new Map();
  for (const module of report.modules) {
    const { tests } = module;
    passed += tests.passed;
    failedTests += tests.failed;
    const project = projectOf(module.project);
    ran.set(project, (ran.get(project) ?? 0) + tests.passed + tests.failed);
    const where = `${module.project}: ${module.file}`;
    for (const error of module.errors) problems.push(`${where}: ${error}`);
    if (module.state === 'pending' || module.state === 'queued') {
      problems.push(`${where}: never ran (${module.state})`);
    } else if (module.state === 'failed' && !module.errors.length && !tests.failed) {
      problems.push(`${where}: failed outside any test`);
    }
  }
  for (const error of report.unhandledErrors) problems.push(`unhandled: ${error}`);
  if (report.reason === 'interrupted') problems.push('the run was interrupted');
  for (const project of expectedProjects) {
    if (!ran.get(project)) problems.push(`project "${project}" ran no tests`);
  }
  if (exitCode !== 0 && !failedTests && !problems.length) {
    problems.push(`vitest exited with status ${exitCode} and reported no failure`);
  }
  const failed = failedTests + problems.length;
  return { passed, failed, problems, line: `${passed} passed, ${failed} failed` };
};

/** Reads the report (an unreadable one is a failure too) and summarizes it. */
export const summarizeFile = (path, exitCode, expectedProjects) => {
  let report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const problem = `no readable report at ${path} (vitest exit status ${exitCode}): ${error.message}`;
    return { passed: 0, failed: 1, problems: [problem], line: '0 passed, 1 failed' };
  }
  return summarize(report, { exitCode, expectedProjects });
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [path = 'report.json', status = '0', ...expected] = process.argv.slice(2);
  const summary = summarizeFile(path, Number(status), expected.length ? expected : undefined);
  for (const problem of summary.problems) console.error(`suite-level failure: ${problem}`);
  console.log(summary.line);
  process.exitCode = summary.failed || Number(status) ? 1 : 0;
}
