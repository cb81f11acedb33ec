/** What scripts/ci-reporter.mjs writes: one entry per test file per project. */
export interface CiReport {
  reason: string;
  unhandledErrors: string[];
  modules: {
    project: string;
    file: string;
    state: 'queued' | 'pending' | 'passed' | 'failed' | 'skipped';
    errors: string[];
    tests: { passed: number; failed: number; skipped: number; pending: number };
  }[];
}

export interface Summary {
  passed: number;
  failed: number;
  problems: string[];
  line: string;
}

export declare const EXPECTED_PROJECTS: readonly string[];

export declare const summarize: (
  report: CiReport,
  options: { exitCode: number; expectedProjects?: readonly string[] },
) => Summary;

export declare const summarizeFile: (
  path: string,
  exitCode: number,
  expectedProjects?: readonly string[],
) => Summary;
