import { act } from '@testing-library/react';
import { useEffect } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { expect, it } from 'vitest';
import { describeModes } from './modes';

/** Logs the mounts and cleanups of one effect: the sequence StrictMode's replay changes. */
const useLoggedEffect = (log: string[]): void => {
  useEffect(() => {
    log.push('mount');
    return () => {
      log.push('cleanup');
    };
  }, [log]);
};

function Effect({ log }: { log: string[] }) {
  useLoggedEffect(log);
  return <p>effect</p>;
}

// The replay every StrictMode test relies on: without it the "[StrictMode]" half runs the same
// effects as the plain half and proves nothing about unmount-and-remount.
const expectedMount = (strict: boolean) => (strict ? ['mount', 'cleanup', 'mount'] : ['mount']);

describeModes('the test harness', (mode) => {
  it('render: effects mount once plainly, mount→cleanup→mount in StrictMode', () => {
    const log: string[] = [];
    const { rerender, unmount } = mode.render(<Effect log={log} />);
    expect(log).toEqual(expectedMount(mode.strict));
    rerender(<Effect log={log} />);
    expect(log).toEqual(expectedMount(mode.strict));
    unmount();
    expect(log).toEqual([...expectedMount(mode.strict), 'cleanup']);
  });

  it('render with a wrapper: StrictMode stays the root and still replays', () => {
    const log: string[] = [];
    mode.render(<Effect log={log} />, { wrapper: ({ children }) => <div>{children}</div> });
    expect(log).toEqual(expectedMount(mode.strict));
  });

  it('renderHook: the hook’s effects replay in StrictMode', () => {
    const log: string[] = [];
    mode.renderHook(() => useLoggedEffect(log));
    expect(log).toEqual(expectedMount(mode.strict));
  });

  it('wrap: a hydrated root replays in StrictMode', async () => {
    const log: string[] = [];
    const container = document.createElement('div');
    container.innerHTML = renderToString(mode.wrap(<Effect log={log} />));
    document.body.append(container);
    let root: ReturnType<typeof hydrateRoot> | undefined;
    await act(async () => {
      root = hydrateRoot(container, mode.wrap(<Effect log={log} />));
    });
    expect(log).toEqual(expectedMount(mode.strict));
    await act(async () => root?.unmount());
    container.remove();
  });
});
