import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ConnectionStatusDemo } from './demos/ConnectionStatus';
import source from './demos/ConnectionStatus.tsx?raw';
import { demoDocs } from './support/source';

const meta = {
  title: 'Demos/Connection status',
  component: ConnectionStatusDemo,
  parameters: demoDocs(
    source,
    'The six states as they happen: Connecting → Connected; a server close (the code and reason of the controls) gives Disconnected with its code and reason, then Reconnecting → Reconnected; `close()` goes through Disconnecting to Disconnected.',
  ),
  argTypes: {
    code: {
      type: 'number',
      control: { type: 'number' },
      description: 'The code the server closes with: 1000–1003, 1007–1014 or 3000–4999',
    },
    reason: { type: 'string', control: 'text', description: 'The reason it gives' },
  },
  args: { code: 4000, reason: 'server says bye' },
} satisfies Meta<typeof ConnectionStatusDemo>;

export default meta;
type Story = StoryObj<typeof meta>;

const states = (canvasElement: HTMLElement) =>
  [...within(canvasElement).getByRole('list', { name: 'timeline' }).querySelectorAll('li')].map(
    (li) => li.querySelector('span')?.textContent,
  );

export const SixStates: Story = {
  play: async ({ canvasElement, step, args }) => {
    const canvas = within(canvasElement);
    const badge = canvas.getByLabelText('connection state');
    await step('connects', async () => {
      await waitFor(() => expect(badge).toHaveTextContent(/^connected$/), { timeout: 5000 });
    });
    await step(`the server closes with ${args.code}: Disconnected, then back`, async () => {
      await userEvent.click(canvas.getByRole('button', { name: `Server closes (${args.code})` }));
      await waitFor(() => expect(badge).toHaveTextContent(/^reconnected$/), { timeout: 5000 });
    });
    await step('close(): Disconnecting, then Disconnected with our code', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Close (1000)' }));
      await waitFor(() => expect(badge).toHaveTextContent(/^disconnected$/), { timeout: 5000 });
    });
    await expect(states(canvasElement)).toEqual([
      'connecting',
      'connected',
      `disconnected ${args.code}${args.reason ? ` “${args.reason}”` : ''}`,
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
