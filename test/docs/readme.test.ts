import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
// Written beside this test so Vite resolves `web-socket-client` as a user's bundler would.
const script = fileURLToPath(new URL('./quick-start.generated.mjs', import.meta.url));

afterEach(() => {
  rmSync(script, { force: true });
  vi.restoreAllMocks();
});

/** The first fenced block after a heading, exactly as a reader would copy it. */
const block = (heading: string, lang: string): string => {
  const at = readme.indexOf(heading);
  expect(at, `README has a "${heading}" section`).toBeGreaterThan(-1);
  const match = readme.slice(at).match(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``));
  if (!match?.[1]) throw new Error(`no ${lang} block under "${heading}"`);
  return match[1];
};

it('the core quick start runs as pasted, against its own local server', async () => {
  writeFileSync(script, block('## Quick start (core)', 'js'));
  const lines: string[] = [];
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    const line = args.map(String).join(' ');
    lines.push(line);
    if (line === 'state: disconnected') done();
  });
  await import(/* @vite-ignore */ script);
  await finished;
  expect(lines).toEqual([
    'state: connecting',
    'state: connected',
    'message: echo: queued before the connection opens',
    'message: echo: hello',
    'state: disconnecting',
    'state: disconnected',
  ]);
});
