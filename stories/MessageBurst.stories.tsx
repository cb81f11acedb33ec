import type { Meta, StoryObj } from '@storybook/react-vite';
import { useRef, useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import {
  useConnectionState,
  useMessageListener,
  useMessages,
  useSend,
  WebSocketProvider,
} from 'web-socket-client/react';
import { useChaos } from './support/chaos';
import { LatestMessages, Panel, Stat, StateBadge, useRenderCount } from './support/ui';

const isBurst = (message: unknown): message is string =>
  typeof message === 'string' && message.startsWith('burst:');

function Burst({ count }: { count: number }) {
  const state = useConnectionState();
  const send = useSend();
  // Counted by a listener: every message, and no render at all.
  const received = useRef(0);
  useMessageListener((message) => {
    if (isBurst(message)) received.current++;
  });
  // Rendered: the newest few, published at most once per frame (and per 30 ms while they keep coming).
  const latest = useMessages({ filter: isBurst, limit: 5 });
  const renders = useRenderCount();
  const [requested, setRequested] = useState(0);

  return (
    <div className="row">
      <Panel title="Burst">
        <p className="toolbar">
          <StateBadge state={state} />
          <button
            type="button"
            onClick={() => {
              setRequested((n) => n + count);
              send(`__burst:${count}`);
            }}
          >
            Request {count.toLocaleString('en')} messages
          </button>
        </p>
        <LatestMessages messages={latest} />
      </Panel>
      <Stat title="Messages received" label="messages received" value={received.current}>
        of {requested} requested
      </Stat>
      <Stat title="Renders" label="renders" value={renders}>
        renders of this component since it mounted
      </Stat>
    </div>
  );
}

function MessageBurst({ count }: { count: number }) {
  const chaos = useChaos();
  return (
    <WebSocketProvider url={chaos.url('/burst')} options={{ WebSocket: chaos.WebSocket }}>
      <Burst count={count} />
    </WebSocketProvider>
  );
}

const meta = {
  title: 'Demos/Message burst',
  component: MessageBurst,
  parameters: {
    docs: {
      description: {
        component:
          'The server sends thousands of messages in one synchronous loop. `useMessageListener` counts every one without rendering; `useMessages` publishes at most once per animation frame, and no more often than every 30 ms while messages keep coming, so the renders stay few while no message is lost.',
      },
    },
  },
  argTypes: { count: { control: { type: 'range', min: 100, max: 50_000, step: 100 } } },
  args: { count: 5000 },
} satisfies Meta<typeof MessageBurst>;

export default meta;
type Story = StoryObj<typeof meta>;

export const FiveThousand: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await waitFor(
      () => expect(canvas.getByLabelText('connection state')).toHaveTextContent(/^connected$/),
      { timeout: 5000 },
    );
    const renders = () => Number(canvas.getByLabelText('renders').textContent);
    const before = renders();
    await userEvent.click(canvas.getByRole('button', { name: /^Request/ }));
    const last = `burst:${args.count}/${args.count}`;
    await waitFor(
      () => expect(canvas.getByRole('list', { name: 'latest messages' })).toHaveTextContent(last),
      { timeout: 10_000 },
    );
    await expect(canvas.getByLabelText('messages received')).toHaveTextContent(String(args.count));
    // Thousands of messages, a handful of renders: one per frame at most, not one per message.
    const spent = renders() - before;
    await expect(spent).toBeGreaterThan(0);
    await expect(spent).toBeLessThan(args.count / 50);
  },
};
