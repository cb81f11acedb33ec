import type { Reporter } from 'vitest/reporters';

/** Writes the report scripts/ci-summary.mjs reads (default `report.json` in the Vitest root). */
export default class CiReporter implements Reporter {
  constructor(options?: { outputFile?: string });
  onInit: NonNullable<Reporter['onInit']>;
  onTestRunEnd: NonNullable<Reporter['onTestRunEnd']>;
}
