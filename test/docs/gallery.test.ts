import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const readme = readFileSync(root('README.md'), 'utf8');

/** Storybook's name for an export: "OfflineQueueAndRetry" → "Offline Queue And Retry". */
const storyName = (exported: string) => exported.replace(/([a-z0-9])([A-Z])/g, '$1 $2');

/** The picture scripts/screenshot.mjs writes for a story (its fileName). */
const picture = (title: string, name: string) =>
  `docs/stories/${`${title.split('/').at(-1)}-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.png`;

const stories = readdirSync(root('stories'))
  .filter((file) => file.endsWith('.stories.tsx'))
  .flatMap((file) => {
    const source = readFileSync(root(`stories/${file}`), 'utf8');
    const title = source.match(/title: '([^']+)'/)?.[1];
    if (!title) throw new Error(`${file} has no title`);
    return [...source.matchAll(/^export const (\w+): Story/gm)].map(([, name = '']) => ({
      file,
      picture: picture(title, storyName(name)),
    }));
  });

it('finds the stories', () => {
  expect(stories.length).toBeGreaterThanOrEqual(10);
});

it.each(stories)('$file: $picture is in docs/ and in the README gallery', ({ picture }) => {
  expect(existsSync(root(picture)), `${picture} exists (npm run screenshot)`).toBe(true);
  expect(readme).toContain(`src="${picture}"`);
});

it('the README shows no picture that is missing, and no story picture that has no story', () => {
  const shown = [...readme.matchAll(/src="(docs\/[^"]+\.png)"|\]\((docs\/[^)]+\.png)\)/g)].map(
    ([, a, b]) => a ?? b ?? '',
  );
  for (const path of shown) expect(existsSync(root(path)), path).toBe(true);
  const kept = readdirSync(root('docs/stories')).map((file) => `docs/stories/${file}`);
  expect(kept.sort()).toEqual(stories.map((s) => s.picture).sort());
});
