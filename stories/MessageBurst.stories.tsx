import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { MessageBurst } from './demos/MessageBurst';
import source from './demos/MessageBurst.tsx?raw';
import { demoDocs } from './support/source';

const meta = {
  title: 'Demos/Message burst',
  component: MessageBurst,
  parameters: demoDocs(
    source,
    'The server sends thousands of messages in one synchronous loop. `useMessageListener` counts every one without rendering; `useMessages` publishes at most once per animation frame, and no more often than every 30 ms while messages keep coming, so the renders stay few while no message is lost.',
  ),
  argTypes: {
    count: {
      type: 'number',
      control: { type: 'range', min: 100, max: 50_000, step: 100 },
      description: 'How many messages the server sends in one synchronous loop',
    },
  },
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
    const renders = () => Number(canvas.getByLabelText('renders').textContent?.replaceAll(',', ''));
    const before = renders();
    await userEvent.click(canvas.getByRole('button', { name: /^Request/ }));
    const last = `burst:${args.count}/${args.count}`;
    await waitFor(
      () => expect(canvas.getByRole('list', { name: 'latest messages' })).toHaveTextContent(last),
      { timeout: 10_000 },
    );
    await expect(canvas.getByLabelText('messages received')).toHaveTextContent(
      args.count.toLocaleString('en'),
    );
    // Thousands of messages, a handful of renders: one per frame at most, not one per message.
    const spent = renders() - before;
    await expect(spent).toBeGreaterThan(0);
    await expect(spent).toBeLessThan(args.count / 50);
  },
};
