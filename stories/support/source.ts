/**
 * A demo's docs parameters: its description, and its real source (imported with `?raw`) for
 * "Show code", instead of the `<Demo />` element Storybook would print for a story.
 */
export const demoDocs = (code: string, description: string) => ({
  docs: {
    source: { code, language: 'tsx' },
    description: { component: description },
  },
});
