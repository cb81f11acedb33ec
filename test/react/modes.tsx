import {
  cleanup,
  type RenderOptions,
  type RenderResult,
  render as rtlRender,
} from '@testing-library/react';
import { Fragment, type ReactElement, type ReactNode, StrictMode } from 'react';
import { afterEach, describe } from 'vitest';

/** How a suite renders: plainly, or inside `<StrictMode>` (double render, double effects). */
export interface Mode {
  readonly name: 'plain' | 'StrictMode';
  readonly strict: boolean;
  /** The mode's root wrapper: `Fragment` or `StrictMode`. */
  readonly Wrapper: (props: { children?: ReactNode }) => ReactNode;
  /** `ui` inside the mode's wrapper, for roots the test creates itself (hydrateRoot). */
  wrap(ui: ReactNode): ReactElement;
  /** `render` from Testing Library, wrapped in the mode (its `rerender` keeps the wrapper). */
  render(ui: ReactElement, options?: Omit<RenderOptions, 'wrapper'>): RenderResult;
}

const modes = [
  ['plain', Fragment],
  ['StrictMode', StrictMode],
] as const;

/**
 * Runs `fn`'s tests twice with the same assertions: once plainly and once inside `<StrictMode>`.
 * Each test unmounts everything it rendered afterwards (Vitest runs without globals, so Testing
 * Library's automatic cleanup is not registered).
 */
export const describeModes = (name: string, fn: (mode: Mode) => void): void => {
  describe.each(modes)(`${name} [%s]`, (label, Root) => {
    const Wrapper = ({ children }: { children?: ReactNode }) => <Root>{children}</Root>;
    afterEach(cleanup);
    fn({
      name: label,
      strict: label === 'StrictMode',
      Wrapper,
      wrap: (ui) => <Wrapper>{ui}</Wrapper>,
      render: (ui, options) => rtlRender(ui, { ...options, wrapper: Wrapper }),
    });
  });
};
