import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ResilienceLab } from './demos/ResilienceLab';
import source from './demos/ResilienceLab.tsx?raw';
import { demoDocs } from './support/source';

const meta = {
  title: 'Demos/Resilience lab',
  component: ResilienceLab,
  parameters: demoDocs(
    source,
    'Break the connection on purpose and watch the client recover: a dropped link (no close frame), a server restart (refused connections meanwhile), a server close with a chosen code (4401 is configured not to retry via `shouldReconnect`), and going offline (an injected `environment`: no attempts while offline). "Retry now" is `useReconnect()`, enabled while `useRetry()` says the client is waiting. The backoff is wrapped in a logging decorator, so every delay shows in the timeline; the send queue is `socket.queued` from `useWebSocket()`. The controls set the backoff and how long a restart keeps the server down.',
  ),
  argTypes: {
    initial: {
      type: 'number',
      control: { type: 'range', min: 50, max: 2000, step: 50 },
      description: 'The backoff’s first delay (ms); it doubles per failed attempt',
    },
    maximumStep: {
      type: 'number',
      control: { type: 'range', min: 1, max: 8, step: 1 },
      description: 'The backoff’s number of distinct delays',
    },
    restartMs: {
      type: 'number',
      control: { type: 'range', min: 100, max: 10_000, step: 100 },
      description: 'How long “Restart server” keeps the server down (ms)',
    },
  },
  args: { initial: 200, maximumStep: 5, restartMs: 1000 },
} satisfies Meta<typeof ResilienceLab>;

export default meta;
type Story = StoryObj<typeof meta>;

const timeline = (canvasElement: HTMLElement) =>
  within(canvasElement).getByRole('list', { name: 'timeline' });

const entries = (canvasElement: HTMLElement) =>
  [...timeline(canvasElement).querySelectorAll('li')].map((li) => ({
    kind: li.dataset.kind,
    text: li.querySelector('span')?.textContent ?? '',
  }));

const connected = async (canvasElement: HTMLElement, pattern = /^(re)?connected$/) => {
  const badge = within(canvasElement).getByLabelText('connection state');
  await waitFor(() => expect(badge).toHaveTextContent(pattern), { timeout: 8000 });
};

/** The timeline shows its newest entry: scrolled to the end, whatever its length. */
const showsNewest = async (canvasElement: HTMLElement) => {
  const list = timeline(canvasElement);
  const last = list.querySelector('li:last-child');
  if (!last) throw new Error('the timeline is empty');
  const box = list.getBoundingClientRect();
  const row = last.getBoundingClientRect();
  await expect(row.bottom).toBeLessThanOrEqual(box.bottom + 1);
  await expect(row.top).toBeGreaterThanOrEqual(box.top - 1);
};

export const DropConnection: Story = {
  play: async ({ canvasElement, step, args }) => {
    const canvas = within(canvasElement);
    await connected(canvasElement, /^connected$/);
    await expect(canvas.getByRole('button', { name: 'Retry now' })).toBeDisabled();
    await step('the server kills the link without a close frame', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Drop connection' }));
      await connected(canvasElement, /^reconnected$/);
    });
    const log = entries(canvasElement);
    await expect(log.map((e) => e.text)).toEqual(
      expect.arrayContaining(['disconnected 1006', 'reconnecting', 'reconnected']),
    );
    // The link lived less than minUptime (5 s), so the retry waited for the backoff's first delay.
    await expect(log.filter((e) => e.kind === 'delay').map((e) => e.text)).toEqual([
      `backoff: wait ${args.initial} ms`,
    ]);
    await expect(canvas.getByRole('button', { name: 'Retry now' })).toBeDisabled();
  },
};

export const ServerRestart: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await connected(canvasElement, /^connected$/);
    await userEvent.click(canvas.getByRole('button', { name: /^Restart server/ }));
    await waitFor(
      () => expect(entries(canvasElement).map((e) => e.text)).toContain('reconnecting'),
      { timeout: 5000 },
    );
    await connected(canvasElement, /^reconnected$/);
    const log = entries(canvasElement);
    await expect(log.map((e) => e.text)).toContain('disconnected 1012 “server restart”');
    // Refused attempts while the server was down: the delays double, 200, 400, 800, …
    const delays = log.filter((e) => e.kind === 'delay').map((e) => e.text);
    await expect(delays.slice(0, 2)).toEqual([
      `backoff: wait ${args.initial} ms`,
      `backoff: wait ${args.initial * 2} ms`,
    ]);
    await showsNewest(canvasElement);
  },
};

export const CloseWithCode: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const badge = canvas.getByLabelText('connection state');
    const retryNow = canvas.getByRole('button', { name: 'Retry now' });
    await connected(canvasElement, /^connected$/);
    await step('4000: the client reconnects', async () => {
      await userEvent.selectOptions(canvas.getByLabelText('close code'), '4000');
      await userEvent.click(canvas.getByRole('button', { name: 'Server closes' }));
      await connected(canvasElement, /^reconnected$/);
      await expect(entries(canvasElement).map((e) => e.text)).toContain(
        'disconnected 4000 “going away for a bit”',
      );
    });
    await step('4401: shouldReconnect says no, the socket ends', async () => {
      await userEvent.selectOptions(canvas.getByLabelText('close code'), '4401');
      await userEvent.click(canvas.getByRole('button', { name: 'Server closes' }));
      await waitFor(() => expect(badge).toHaveTextContent(/^disconnected$/), { timeout: 5000 });
      await expect(entries(canvasElement).at(-1)?.text).toBe('disconnected 4401 “unauthorized”');
      await expect(canvas.getByRole('button', { name: 'Server closes' })).toBeDisabled();
    });
    await step('Retry now replaces the ended socket', async () => {
      await expect(retryNow).toBeEnabled();
      await userEvent.click(retryNow);
      await connected(canvasElement, /^connected$/);
      await expect(
        entries(canvasElement)
          .slice(-2)
          .map((e) => e.text),
      ).toEqual(['connecting', 'connected']);
      await expect(retryNow).toBeDisabled();
    });
    await showsNewest(canvasElement);
  },
};

export const OfflineQueueAndRetry: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const badge = canvas.getByLabelText('connection state');
    const retryNow = canvas.getByRole('button', { name: 'Retry now' });
    const result = canvas.getByLabelText('send result');
    await connected(canvasElement, /^connected$/);
    await expect(retryNow).toBeDisabled();
    await step('offline: the link drops and the client waits for the network', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Go offline' }));
      await expect(canvas.getByLabelText('network')).toHaveTextContent('offline');
      await waitFor(() => expect(badge).toHaveTextContent(/^reconnecting$/), { timeout: 5000 });
    });
    await step('a message sent meanwhile waits in the queue', async () => {
      await userEvent.type(canvas.getByLabelText('message'), 'sent while offline{enter}');
      await expect(result).toHaveTextContent('queued “sent while offline”');
      await expect(canvas.getByRole('list', { name: 'send queue' })).toHaveTextContent(
        'sent while offline',
      );
    });
    await step('Retry now connects at once; the queue is flushed and echoed', async () => {
      await waitFor(() => expect(retryNow).toBeEnabled());
      await userEvent.click(retryNow);
      await connected(canvasElement, /^reconnected$/);
      await waitFor(() =>
        expect(canvas.getByRole('list', { name: 'received' })).toHaveTextContent(
          'sent while offline',
        ),
      );
      await expect(canvas.getByRole('list', { name: 'send queue' }).children).toHaveLength(0);
      // Delivered: the "queued" line has nothing left to say.
      await expect(result).toHaveTextContent(/^$/);
      await expect(retryNow).toBeDisabled();
    });
    await step('back online: the newest entry is in view, also in a short timeline', async () => {
      // As on a small screen: the timeline holds more than it shows.
      timeline(canvasElement).style.maxHeight = '60px';
      await userEvent.click(canvas.getByRole('button', { name: 'Go online' }));
      await expect(canvas.getByLabelText('network')).toHaveTextContent('online');
      await expect(badge).toHaveTextContent(/^reconnected$/);
      await waitFor(() => expect(entries(canvasElement).at(-1)?.text).toBe('network: online'));
      await showsNewest(canvasElement);
      timeline(canvasElement).style.maxHeight = '';
    });
  },
};
