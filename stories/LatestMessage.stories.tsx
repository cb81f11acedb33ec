import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { LatestMessage } from './demos/LatestMessage';
import source from './demos/LatestMessage.tsx?raw';
import { demoDocs } from './support/source';

const meta = {
  title: 'Demos/Latest message',
  component: LatestMessage,
  parameters: {
    ...demoDocs(
      source,
      '`useLastMessage()` is the latest message on the socket, also one that came before the component mounted; `useMessages()` holds only what came since. The log keeps the last three (`limit: 3`) and numbers each by `messages.firstIndex + i`, the key that stays with its message when older ones are evicted.',
    ),
    controls: { disable: true },
  },
} satisfies Meta<typeof LatestMessage>;

export default meta;
type Story = StoryObj<typeof meta>;

export const LateMount: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const log = canvas.getByRole('list', { name: 'log' });
    const rows = () => [...log.querySelectorAll('li')].map((li) => li.textContent);
    await waitFor(
      () => expect(canvas.getByLabelText('connection state')).toHaveTextContent(/^connected$/),
      { timeout: 5000 },
    );
    await step('five messages: the log keeps three, numbered where they came', async () => {
      for (let n = 1; n <= 5; n++) {
        await userEvent.click(canvas.getByRole('button', { name: `Send message ${n}` }));
        await waitFor(() => expect(log).toHaveTextContent(`message ${n}`));
      }
      await expect(rows()).toEqual(['#3 message 3', '#4 message 4', '#5 message 5']);
    });
    await step('a component mounted now has the latest at once', async () => {
      await userEvent.click(canvas.getByRole('switch'));
      await expect(canvas.getByLabelText('last message')).toHaveTextContent(/^message 5$/);
      await expect(canvas.getByLabelText('messages since mount')).toHaveTextContent(/^0$/);
    });
    await step('the next message reaches both', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Send message 6' }));
      await waitFor(() =>
        expect(canvas.getByLabelText('last message')).toHaveTextContent(/^message 6$/),
      );
      await waitFor(() =>
        expect(canvas.getByLabelText('messages since mount')).toHaveTextContent(/^1$/),
      );
      await expect(rows()).toEqual(['#4 message 4', '#5 message 5', '#6 message 6']);
    });
  },
};
