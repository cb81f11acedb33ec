import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { MessageStream } from './demos/MessageStream';
import source from './demos/MessageStream.tsx?raw';
import { demoDocs } from './support/source';

const meta = {
  title: 'Demos/Message stream',
  component: MessageStream,
  parameters: demoDocs(
    source,
    'The server sends a steady stream of messages. `useMessages` renders at most once per animation frame, and while messages keep coming no more often than every `throttle` ms (default 30), so 5,000 messages a second cost about 30 renders a second and none is lost. Set `throttle` to 0 to render on every frame.',
  ),
  argTypes: {
    rate: {
      type: 'number',
      control: { type: 'range', min: 100, max: 20_000, step: 100 },
      description: 'Messages a second the server sends',
    },
    seconds: {
      type: 'number',
      control: { type: 'range', min: 1, max: 10, step: 1 },
      description: 'For how long',
    },
    throttle: {
      type: 'number',
      control: { type: 'range', min: 0, max: 500, step: 10 },
      description: '`useMessages({ throttle })`: least ms between two renders (0: every frame)',
    },
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
    await expect(canvas.getByLabelText('messages received')).toHaveTextContent(
      count.toLocaleString('en'),
    );
    // However long the stream really took on this machine, renders stay within one per
    // `throttle` ms (plus the click's own render and the last publication).
    const renders = Number(canvas.getByLabelText('renders').textContent?.replaceAll(',', ''));
    await expect(renders).toBeGreaterThan(0);
    await expect(renders).toBeLessThanOrEqual(Math.ceil(elapsed / args.throttle) + 2);
    await expect(renders).toBeLessThan(count / 50);
  },
};
