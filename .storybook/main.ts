import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/react-vite';
import react from '@vitejs/plugin-react';
import remarkGfm from 'remark-gfm';
import { mergeConfig } from 'vite';

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: [
    {
      name: '@storybook/addon-docs',
      // GitHub-flavoured Markdown: the docs pages' tables are GFM tables.
      options: { mdxPluginOptions: { mdxCompileOptions: { remarkPlugins: [remarkGfm] } } },
    },
    '@storybook/addon-vitest',
  ],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  features: { sidebarOnboardingChecklist: false, menuOnboardingChecklist: false },
  // `npm start` (scripts/start.mjs) sets STORYBOOK_CHAOS_URL to its chaos server; a static build
  // made without it falls back to the in-page mock server (stories/support/chaos.ts).
  env: (config) => ({
    ...config,
    ...(process.env.STORYBOOK_CHAOS_URL
      ? { STORYBOOK_CHAOS_URL: process.env.STORYBOOK_CHAOS_URL }
      : {}),
  }),
  viteFinal: (config) =>
    mergeConfig(config, {
      // The stories run the sources, as a development build: errors carry their full prose.
      define: { __DEV__: 'true' },
      plugins: [react()],
      resolve: {
        // The stories import only the public entry points: every story is an API check.
        alias: [
          { find: /^web-socket-client$/, replacement: src('core/index.ts') },
          { find: /^web-socket-client\/react$/, replacement: src('react/index.ts') },
          { find: /^web-socket-client\/tabs$/, replacement: src('tabs/index.ts') },
        ],
      },
      optimizeDeps: { include: ['mock-socket'] },
    }),
};

export default config;
