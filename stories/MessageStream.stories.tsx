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

const isStream = (message: unknown): message is string =>
  typeof message === 'string' && message.startsWith('stream:');

interface StreamArgs {
  /** Messages a second the server sends. */
  rate: number;
  seconds: number;
  /** `useMessages`' throttle: least ms between two renders while messages keep coming. */
  throttle: number;
}

function Stream({ rate, seconds, throttle }: StreamArgs) {
  const state = useConnectionState();
  const send = useSend();
  const received = useRef(0);
  useMessageListener((message) => {
    if (isStream(message)) received.current++;
  });
  const latest = useMessages({ filter: isStream, limit: 5, throttle });
  // Counted since Start: the counts at Start are the base.
  const renders = useRenderCount();
  const [base, setBase] = useState<{ renders: number; received: number } | null>(null);
  const count = Math.round(rate * seconds);
  const sinceStart = base ? renders - base.renders : 0;
  const messages = base ? received.current - base.received : 0;

  return (
    <div className="row">
      <Panel title="Stream">
        <p className="toolbar">
          <StateBadge state={state} />
          <button
            type="button"
            onClick={() => {
              setBase({ renders, received: received.current });
              send(`__stream:${rate}:${seconds * 1000}`);
            }}
          >
            Stream {count.toLocaleString('en')} messages over {seconds} s
          </button>
        </p>
        <LatestMessages messages={latest} />
      </Panel>
      <Stat title="Messages received" label="messages received" value={messages}>
        since Start, counted by a listener that never renders
      </Stat>
      <Stat title="Renders" label="renders" value={sinceStart}>
        renders since Start: {throttle ? `at most one per ${throttle} ms` : 'one per frame'}, not
        one per message
      </Stat>
    </div>
  );
}

function MessageStream(args: StreamArgs) {
  const chaos = useChaos();
  return (
    <WebSocketProvider url={chaos.url('/stream')} options={{ WebSocket: chaos.WebSocket }}>
      <Stream {...args} />
    </WebSocketProvider>
  );
}

const meta = {
  title: 'Demos/Message stream',
  component: MessageStream,
  parameters: {
    docs: {
      description: {
        component:
          'The server sends a steady stream of messages. `useMessages` renders at most once per animation frame, and while messages keep coming no more often than every `throttle` ms (default 30), so 5,000 messages a second cost about 30 renders a second and none is lost. Set `throttle` to 0 to render on every frame.',
      },
    },
  },
  argTypes: {
    rate: { control: { type: 'range', min: 100, max: 20_000, step: 100 } },
    seconds: { control: { type: 'range', min: 1, max: 10, step: 1 } },
    throttle: { control: { type: 'range', min: 0, max: 500, step: 10 } },
  },
  args: { rate: 5000, seconds: 2, throttle: 30 },
} satisfies Meta<typeof MessageStream>;

export default meta;
type Story = StoryObj<typeof meta>;

export const FiveThousandPerSecond: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await waitFor(
      () => expect(canvas.getByLabelText('connection state')).toHaveTextContent(/^connected$/),
      { timeout: 5000 },
    );
    const count = Math.round(args.rate * args.seconds);
    const start = performance.now();
    await userEvent.click(canvas.getByRole('button', { name: /^Stream/ }));
    const last = `stream:${count}/${count}`;
    await waitFor(
      () => expect(canvas.getByRole('list', { name: 'latest messages' })).toHaveTextContent(last),
      { timeout: args.seconds * 1000 + 10_000 },
    );
    const elapsed = performance.now() - start;
    await expect(canvas.getByLabelText('messages received')).toHaveTextContent(String(count));
    // However long the stream really took on this machine, renders stay within one per
    // `throttle` ms (plus the click's own render and the last publication).
    const renders = Number(canvas.getByLabelText('renders').textContent);
    await expect(renders).toBeGreaterThan(0);
    await expect(renders).toBeLessThanOrEqual(Math.ceil(elapsed / args.throttle) + 2);
    await expect(renders).toBeLessThan(count / 50);
  },
};
