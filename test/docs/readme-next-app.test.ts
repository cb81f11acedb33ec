import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const read = (path: string): string =>
  readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

const readme = read('README.md');

/** The README's tsx block that opens with the comment `// <path>`, without that line. */
const shown = (path: string): string => {
  const match = readme.match(
    new RegExp(`\`\`\`tsx\\n// ${path.replaceAll('.', '\\.')}\\n([\\s\\S]*?)\`\`\``),
  );
  if (!match?.[1]) throw new Error(`README shows no tsx block for ${path}`);
  return match[1];
};

// The README's Next.js code is the example's, which test/examples/next-app.test.ts builds and
// runs: what a reader copies is what was tested.
it.each(['app/layout.tsx', 'app/connection-status.tsx'])(
  'the README shows examples/next-app/%s as it is',
  (path) => {
    expect(shown(path)).toBe(read(`examples/next-app/${path}`));
  },
);
