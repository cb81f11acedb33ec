/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The chaos server's URL, set by `npm start` (scripts/start.mjs); absent in a static build. */
  readonly STORYBOOK_CHAOS_URL?: string;
}
