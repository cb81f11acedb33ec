import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { LoginGate } from './demos/LoginGate';
import source from './demos/LoginGate.tsx?raw';
import { resolveChaos } from './support/chaos';
import { demoDocs } from './support/source';

const meta = {
  title: 'Demos/Login gate',
  component: LoginGate,
  parameters: {
    ...demoDocs(
      source,
      '`<WebSocketProvider enabled={signedIn}>`: while signed out no socket exists, so nothing reaches the server, and the hooks keep working (the state is an empty `Disconnected`, `send` returns false). Signing in connects; signing out closes. The count on the right is what the server itself says it holds open (`GET /stats` of the chaos server).',
    ),
    controls: { disable: true },
  },
} satisfies Meta<typeof LoginGate>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The server's own count for the gate's room, asked directly (not through the story's UI). */
const openAtServer = async () => (await (await resolveChaos()).stats('/login-gate')).open;

export const SignInAndOut: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const badge = canvas.getByLabelText('connection state');
    const signedIn = canvas.getByRole('switch');
    const shown = canvas.getByLabelText('open at the server');
    await step('signed out: no socket, nothing at the server, send returns false', async () => {
      await expect(badge).toHaveTextContent(/^disconnected$/);
      await expect(canvas.getByLabelText('socket')).toHaveTextContent('no socket');
      await waitFor(() => expect(shown).toHaveTextContent(/^0$/));
      await expect(await openAtServer()).toBe(0);
      await userEvent.click(canvas.getByRole('button', { name: 'Say hello' }));
      await expect(canvas.getByLabelText('send result')).toHaveTextContent('not sent: signed out');
      await expect(await openAtServer()).toBe(0);
    });
    await step('signing in connects: one connection at the server', async () => {
      await userEvent.click(signedIn);
      await waitFor(() => expect(badge).toHaveTextContent(/^connected$/), { timeout: 5000 });
      await waitFor(async () => expect(await openAtServer()).toBe(1));
      await waitFor(() => expect(shown).toHaveTextContent(/^1$/));
      await userEvent.click(canvas.getByRole('button', { name: 'Say hello' }));
      await expect(canvas.getByLabelText('send result')).toHaveTextContent(/^sent$/);
      await waitFor(() =>
        expect(canvas.getByLabelText('last message')).toHaveTextContent('hello from Ada'),
      );
    });
    await step('signing out closes it', async () => {
      await userEvent.click(signedIn);
      await expect(badge).toHaveTextContent(/^disconnected$/);
      await expect(canvas.getByLabelText('socket')).toHaveTextContent('no socket');
      await waitFor(async () => expect(await openAtServer()).toBe(0), { timeout: 5000 });
      await waitFor(() => expect(shown).toHaveTextContent(/^0$/));
      await userEvent.click(canvas.getByRole('button', { name: 'Say hello' }));
      await expect(canvas.getByLabelText('send result')).toHaveTextContent('not sent: signed out');
      // The last message outlives the socket that brought it.
      await expect(canvas.getByLabelText('last message')).toHaveTextContent('hello from Ada');
    });
    await step('signing in again: a new connection, and again only one', async () => {
      await userEvent.click(signedIn);
      await waitFor(() => expect(badge).toHaveTextContent(/^connected$/), { timeout: 5000 });
      await waitFor(async () => expect(await openAtServer()).toBe(1));
      await waitFor(() => expect(shown).toHaveTextContent(/^1$/));
      await expect(canvas.getByLabelText('send result')).toHaveTextContent(/^$/);
    });
  },
};
