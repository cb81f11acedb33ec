import {
  cleanup,
  type RenderHookOptions,
  type RenderHookResult,
  type RenderOptions,
  type RenderResult,
  render as rtlRender,
  renderHook as rtlRenderHook,
} from '@testing-library/react';
import { type ReactElement, StrictMode } from 'react';
import { afterEach, describe } from 'vitest';

/**
 * How a suite renders: plainly, or with `<StrictMode>` as the root (double render, and the
 * unmount-and-remount of every effect on mount).
 *
 * React 19 replays effects only when `<StrictMode>` is the root element handed to the React root:
 * one inside a wrapper component double-renders but mounts effects once. So StrictMode is put at
 * the root with Testing Library's `reactStrictMode` option (which also holds for `rerender`), or
 * by `wrap` for roots a test creates itself; test/react/modes.test.tsx proves the replay happens.
 */
export interface Mode {
  readonly name: 'plain' | 'StrictMode';
  readonly strict: boolean;
  /** `ui` as a root element in the mode: itself, or inside `<StrictMode>` (for hydrateRoot). */
  wrap(ui: ReactElement): ReactElement;
  /** `render` from Testing Library, with StrictMode at the root in StrictMode mode. */
  render(ui: ReactElement, options?: Omit<RenderOptions, 'reactStrictMode'>): RenderResult;
  /** `renderHook` from Testing Library, with StrictMode at the root in StrictMode mode. */
  renderHook<Result, Props>(
    callback: (props: Props) => Result,
    options?: Omit<RenderHookOptions<Props>, 'reactStrictMode'>,
  ): RenderHookResult<Result, Props>;
}

export const modes: readonly Mode[] = [false, true].map(
  (strict): Mode => ({
    name: strict ? 'StrictMode' : 'plain',
    strict,
    wrap: (ui) => (strict ? <StrictMode>{ui}</StrictMode> : ui),
    render: (ui, options) => rtlRender(ui, { ...options, reactStrictMode: strict }),
    renderHook: (callback, options) =>
      rtlRenderHook(callback, { ...options, reactStrictMode: strict }),
  }),
);

/**
 * Runs `fn`'s tests twice with the same assertions: once plainly and once with `<StrictMode>` as
 * the root. Each test unmounts everything it rendered afterwards (Vitest runs without globals,
 * so Testing Library's automatic cleanup is not registered).
 */
export const describeModes = (name: string, fn: (mode: Mode) => void): void => {
  describe.each(modes.map((mode) => [mode.name, mode] as const))(`${name} [%s]`, (_, mode) => {
    afterEach(cleanup);
    fn(mode);
  });
};
