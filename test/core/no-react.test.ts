import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const core = join(root, 'src/core');

/** Every module specifier a file names: static and dynamic imports, re-exports, require. */
const specifiers = (source: string): string[] => {
  const found: string[] = [];
  const patterns = [
    // Statements start a line; a string that merely mentions `import x from "y"` does not.
    /^\s*(?:import|export)\b[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[1] as string);
  return found;
};

const isReact = (s: string) =>
  /^react(-dom)?(\/|$)/.test(s) ||
  /(^|\/)react(\/|$)/.test(s) ||
  s.includes('web-socket-client/react');

const coreFiles = readdirSync(core, { recursive: true })
  .map(String)
  // Ambient declarations (globals.d.ts) hold no code: nothing imports them.
  .filter((f) => /\.(ts|tsx|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
  .map((f) => join(core, f));

describe('the core does not depend on React', () => {
  it('finds the core sources', () => {
    expect(coreFiles.length).toBeGreaterThanOrEqual(10);
    expect(coreFiles.map((f) => relative(core, f))).toContain('web-socket.ts');
  });

  it('the specifier scan works (sanity check on a sample)', () => {
    const sample = `import a from 'react';\nimport { b } from "../react/x";\nexport * from './y';\nimport type { C } from 'react-dom/client';\nconst d = await import('react');\nimport 'side';`;
    expect(specifiers(sample)).toEqual(
      expect.arrayContaining(['react', '../react/x', './y', 'react-dom/client', 'side']),
    );
    expect(specifiers(sample).filter(isReact)).toHaveLength(4);
    expect(specifiers(`throw new Error('pass it: import WS from "ws"');`)).toEqual([]);
  });

  it.each(coreFiles.map((f) => [relative(root, f), f]))(
    '%s imports neither react, react-dom nor ../react',
    (_, file) => {
      const found = specifiers(readFileSync(file, 'utf8'));
      expect(found.filter(isReact)).toEqual([]);
      // The core has no dependencies at all: only relative imports inside src/core.
      expect(found.filter((s) => !s.startsWith('./'))).toEqual([]);
    },
  );

  it('the module graph from src/core/index.ts stays inside src/core', () => {
    const seen = new Set<string>();
    const queue = [join(core, 'index.ts')];
    while (queue.length) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const s of specifiers(readFileSync(file, 'utf8'))) {
        expect(s.startsWith('.'), `${relative(root, file)} imports the package "${s}"`).toBe(true);
        const base = resolve(dirname(file), s);
        const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
        const target = candidates.find((c) => coreFiles.includes(c));
        expect(target, `${relative(root, file)} → "${s}" resolves inside src/core`).toBeDefined();
        queue.push(target as string);
      }
    }
    expect([...seen].every((f) => f.startsWith(`${core}/`))).toBe(true);
    // Every core module is reachable from the public barrel (no orphan that could hide an import).
    expect([...seen].sort()).toEqual([...coreFiles].sort());
  });
});
