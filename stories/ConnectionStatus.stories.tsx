import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import {
  useConnectionState,
  useReconnect,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from 'web-socket-client/react';
import { useChaos } from './support/chaos';
import { TimelineView, useStateTimeline } from './support/timeline';
import { Panel, StateBadge } from './support/ui';

function ConnectionStatus() {
  const socket = useWebSocket();
  const state = useConnectionState();
  const send = useSend();
  const reconnect = useReconnect();
  // The core's own subscription sees every state, even two in one task (Disconnected, then
  // Reconnecting), which React would batch into one render.
  const timeline = useStateTimeline(socket);
  const ended = state.type === 'disconnected';
  return (
    <div className="row">
      <Panel title="Connection">
        <p>
          <StateBadge state={state} />
        </p>
        <div className="toolbar">
          <button
            type="button"
            disabled={ended}
            onClick={() => send('__close:4000:server says bye')}
          >
            Server closes (4000)
          </button>
          <button
            type="button"
            disabled={ended}
            onClick={() => socket?.close(1000, 'closed by the user')}
          >
            Close (1000)
          </button>
          <button type="button" disabled={!ended} onClick={reconnect}>
            Connect again
          </button>
        </div>
        <p>
          <code>useConnectionState()</code> renders the current state;
          <code> socket.connection.subscribe</code> feeds the timeline, one entry per state.
        </p>
      </Panel>
      <Panel title="Timeline">
        <TimelineView timeline={timeline} />
      </Panel>
    </div>
  );
}

function ConnectionStatusDemo() {
  const chaos = useChaos();
  return (
    <WebSocketProvider url={chaos.url('/status')} options={{ WebSocket: chaos.WebSocket }}>
      <ConnectionStatus />
    </WebSocketProvider>
  );
}

const meta = {
  title: 'Demos/Connection status',
  component: ConnectionStatusDemo,
  parameters: {
    docs: {
      description: {
        component:
          'The six states as they happen: Connecting → Connected; a server close (4000) gives Disconnected with its code and reason, then Reconnecting → Reconnected; `close()` goes through Disconnecting to Disconnected.',
      },
    },
  },
} satisfies Meta<typeof ConnectionStatusDemo>;

export default meta;
type Story = StoryObj<typeof meta>;

const states = (canvasElement: HTMLElement) =>
  [...within(canvasElement).getByRole('list', { name: 'timeline' }).querySelectorAll('li')].map(
    (li) => li.querySelector('span')?.textContent,
  );

export const SixStates: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const badge = canvas.getByLabelText('connection state');
    await step('connects', async () => {
      await waitFor(() => expect(badge).toHaveTextContent(/^connected$/), { timeout: 5000 });
    });
    await step('the server closes with 4000: Disconnected, then back', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Server closes (4000)' }));
      await waitFor(() => expect(badge).toHaveTextContent(/^reconnected$/), { timeout: 5000 });
    });
    await step('close(): Disconnecting, then Disconnected with our code', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Close (1000)' }));
      await waitFor(() => expect(badge).toHaveTextContent(/^disconnected$/), { timeout: 5000 });
    });
    await expect(states(canvasElement)).toEqual([
      'connecting',
      'connected',
      'disconnected 4000 “server says bye”',
      'reconnecting',
      'reconnected',
      'disconnecting',
      'disconnected 1000 “closed by the user”',
    ]);
    await step('a fresh socket after the end', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Connect again' }));
      await waitFor(() => expect(badge).toHaveTextContent(/^connected$/), { timeout: 5000 });
      await expect(states(canvasElement).slice(-2)).toEqual(['connecting', 'connected']);
    });
  },
};
