// Writes the measured part of docs/mutation.md from Stryker's JSON report (`npm run mutate`
// leaves it in reports/mutation/mutation.json): the score, a row per file, and every mutant that
// no test killed, with the source line it changed. The prose around it (why each survivor is
// equivalent, or which test closed a gap) is written by hand, between runs.
//
//   node scripts/mutation-report.mjs [report.json] [docs/mutation.md]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [reportPath = 'reports/mutation/mutation.json', docPath = 'docs/mutation.md'] =
  process.argv.slice(2);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));

const BEGIN = '<!-- mutation-report:begin (scripts/mutation-report.mjs writes this part) -->';
const END = '<!-- mutation-report:end -->';

/** Detected: a test failed (Killed) or the mutant hung past Stryker's timeout (an infinite loop). */
const detected = (s) => s === 'Killed' || s === 'Timeout';
/** Not counted by Stryker's score: the mutant did not compile or was excluded. */
const invalid = (s) => s === 'CompileError' || s === 'RuntimeError' || s === 'Ignored';

const rows = [];
const missed = [];
const total = { detected: 0, survived: 0, noCoverage: 0, timeout: 0, valid: 0 };
for (const [file, { mutants, source }] of Object.entries(report.files).sort(([a], [b]) =>
  a.localeCompare(b),
)) {
  const lines = source.split('\n');
  const c = { detected: 0, survived: 0, noCoverage: 0, timeout: 0, valid: 0 };
  for (const m of mutants) {
    if (invalid(m.status)) continue;
    c.valid++;
    if (detected(m.status)) c.detected++;
    if (m.status === 'Timeout') c.timeout++;
    if (m.status === 'Survived') c.survived++;
    if (m.status === 'NoCoverage') c.noCoverage++;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      const { line, column } = m.location.start;
      missed.push({
        where: `${file.replace(/^src\/core\//, '')}:${line}:${column}`,
        status: m.status,
        mutator: m.mutatorName,
        replacement: (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60),
        code: (lines[line - 1] ?? '').trim().slice(0, 90),
      });
    }
  }
  for (const k of Object.keys(total)) total[k] += c[k];
  rows.push({ file, ...c });
}

const pct = (c) => (c.valid ? ((100 * c.detected) / c.valid).toFixed(2) : '—');
const cell = (s) => String(s).replaceAll('|', '\\|').replaceAll('`', "'");
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {}

const out = [
  BEGIN,
  '',
  `Measured at commit \`${commit}\` on ${new Date().toISOString().slice(0, 10)}: **${pct(total)} %** of ` +
    `${total.valid} mutants detected (${total.detected - total.timeout} killed by a failing test, ` +
    `${total.timeout} by a timeout), ${total.survived} survived, ${total.noCoverage} not reached by any test.`,
  '',
  '| file | mutants | detected | survived | no coverage | score |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| \`${r.file}\` | ${r.valid} | ${r.detected} | ${r.survived} | ${r.noCoverage} | ${pct(r)} % |`,
  ),
  `| **all of src/core** | ${total.valid} | ${total.detected} | ${total.survived} | ${total.noCoverage} | **${pct(total)} %** |`,
  '',
  'Every mutant no test detected:',
  '',
  '| where | status | mutation | line |',
  '|---|---|---|---|',
  ...missed.map(
    (m) =>
      `| \`${m.where}\` | ${m.status} | ${m.mutator} → \`${cell(m.replacement)}\` | \`${cell(m.code)}\` |`,
  ),
  '',
  END,
].join('\n');

const doc = readFileSync(docPath, 'utf8');
const start = doc.indexOf(BEGIN);
const stop = doc.indexOf(END);
if (start < 0 || stop < start) {
  throw new Error(`${docPath} has no ${BEGIN} … ${END} block to fill in.`);
}
writeFileSync(docPath, doc.slice(0, start) + out + doc.slice(stop + END.length));
console.log(
  `${docPath}: ${pct(total)} % (${total.survived} survived, ${total.noCoverage} no coverage)`,
);
