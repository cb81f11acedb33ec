// A Vitest reporter that writes what CI's closing line is counted from (scripts/ci-summary.mjs).
// Vitest's own JSON report cannot carry it: it has no project names (the two Storybook projects
// run the same files), no unhandled errors, and a file that never ran reads as passed; with
// Chromium missing it said "0 failed" and `success: true` while Vitest exited 1.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** @param {{ message?: string, name?: string } | undefined} error */
const describeError = (error) =>
  `${error?.name ?? 'Error'}: ${String(error?.message ?? error).split('\n')[0]}`;

/**
 * Writes to `outputFile`: from its options, else from `--outputFile.ci=<path>` on Vitest's
 * command line, else `report.json`, relative to the Vitest root.
 */
export default class CiReporter {
  /** @param {{ outputFile?: string }} [options] */
  constructor({ outputFile } = {}) {
    this.outputFile = outputFile;
    this.root = process.cwd();
  }

  /** @param {import('vitest/node').Vitest} vitest */
  onInit(vitest) {
    this.root = vitest.config.root;
    const configured = vitest.config.outputFile;
    this.outputFile ??= (typeof configured === 'object' && configured?.ci) || 'report.json';
  }

  /**
   * @param {ReadonlyArray<import('vitest/node').TestModule>} testModules
   * @param {ReadonlyArray<import('vitest/node').SerializedError>} unhandledErrors
   * @param {string} reason
   */
  onTestRunEnd(testModules, unhandledErrors, reason) {
    const modules = testModules.map((module) => {
      const tests = { passed: 0, failed: 0, skipped: 0, pending: 0 };
      for (const test of module.children.allTests()) tests[test.result().state]++;
      return {
        project: module.project.name,
        file: module.moduleId.startsWith(this.root)
          ? module.moduleId.slice(this.root.length + 1)
          : module.moduleId,
        state: module.state(),
        errors: module.errors().map(describeError),
        tests,
      };
    });
    const report = { reason, unhandledErrors: unhandledErrors.map(describeError), modules };
    writeFileSync(resolve(this.root, this.outputFile), `${JSON.stringify(report, null, 2)}\n`);
  }
}
