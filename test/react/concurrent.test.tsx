// biome-ignore-all lint/correctness/noComponentHookFactories: components close over each test's probes.
import { act, screen, waitFor } from '@testing-library/react';
import { Suspense, startTransition, useState } from 'react';
import { expect, it } from 'vitest';
import { useConnectionState, WebSocketProvider } from '../../src/react/index';
import { mockServer } from './mock-server';
import { describeModes } from './modes';

const never = new Promise<never>(() => {});

function Child({ suspend }: { suspend: boolean }) {
  if (suspend) throw never; // a transition that never finishes rendering
  return <p data-testid="state">{useConnectionState().type}</p>;
}

describeModes('a render React throws away', (mode) => {
  it('does not count as an options change: no extra connection', async () => {
    const mock = mockServer();
    let update: (protocols: string[], suspend: boolean) => void = () => {};
    function App() {
      const [protocols, setProtocols] = useState(['v1']);
      const [suspend, setSuspend] = useState(false);
      update = (p, s) => {
        setProtocols(p);
        setSuspend(s);
      };
      return (
        <WebSocketProvider url={mock.url} options={{ ...mock.options, protocols }}>
          <Suspense fallback={<p>loading</p>}>
            <Child suspend={suspend} />
          </Suspense>
        </WebSocketProvider>
      );
    }
    const { unmount } = mode.render(<App />);
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    // A transition renders with new options, suspends, and is never committed...
    act(() => startTransition(() => update(['v2'], true)));
    // ...while an urgent update re-renders with the committed options.
    await act(async () => update(['v1'], false));
    expect(screen.getByTestId('state').textContent).toBe('connected');
    expect(mock.connections).toHaveLength(1);
    expect(mock.last().protocol).toBe('v1');
    unmount();
  });
});
