/**
 * Takes the README screenshot (docs/storybook.png) of a running Storybook, with the Debian
 * Chromium driven by playwright-core. Start the demo first (`npm start`), then:
 *
 *   node scripts/screenshot.mjs [storybook URL] [story id] [output]
 *
 * Defaults: http://127.0.0.1:6006, the resilience lab's offline story, docs/storybook.png. It waits
 * for the story's play function to finish, so the picture shows a whole recovery.
 */
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const [
  base = 'http://127.0.0.1:6006',
  story = 'demos-resilience-lab--offline-queue-and-retry',
  output = 'docs/storybook.png',
] = process.argv.slice(2);

const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(`${base}/?path=/story/${story}&addonPanel=storybook/interactions/panel`);
  const preview = page.frameLocator('#storybook-preview-iframe');
  await preview.locator('.demo').waitFor({ timeout: 30_000 });
  // The play function has run when the Interactions panel (opened by the URL: clicking it would
  // take the focus from the story while the play function types) says PASS.
  const panel = page.locator('#storybook-panel-root');
  await panel.getByText(/^(pass|fail)$/i).waitFor({ timeout: 30_000 });
  if (await panel.getByText(/^fail$/i).count())
    throw new Error(`the play function of ${story} failed`);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: output, type: 'png' });
  const banner = await preview.locator('.server').textContent();
  console.log(`${output}: ${story} (${banner})`);
} finally {
  await browser.close();
}
