import { inject } from 'vitest';

// The Storybook Vitest project's globalSetup started a real chaos server: the stories use it
// instead of the in-page mock (see stories/support/chaos.ts).
globalThis.__CHAOS_URL__ = inject('chaosUrl');
