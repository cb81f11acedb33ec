import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ConnectionBanner } from './demos/ConnectionBanner';
import source from './demos/ConnectionBanner.tsx?raw';
import { demoDocs } from './support/source';

const meta = {
  title: 'Demos/Connection banner',
  component: ConnectionBanner,
  parameters: demoDocs(
    source,
    '"Connection lost (1012 server restart) — retrying in 3 s (attempt 2)": `useRetry()` gives the cause (`lastClose`), the attempt number and `retryAt`, the time of the next attempt, which a clock turns into a live countdown. The component re-renders on each attempt, though the connection state stays `reconnecting` all along. After a server close the client reconnects at once, so `useConnectionState` never shows that close; `useRetry().lastClose` still has it.',
  ),
  argTypes: {
    delay: {
      type: 'number',
      control: { type: 'range', min: 1000, max: 10_000, step: 1000 },
      description: 'The backoff between failed attempts (ms): `new ConstantBackoff(delay)`',
    },
    downFor: {
      type: 'number',
      control: { type: 'range', min: 500, max: 20_000, step: 500 },
      description: 'How long “Restart the server” keeps it down (ms)',
    },
    code: {
      type: 'number',
      control: { type: 'number' },
      description: 'The code “The server closes” asks for: 1000–1003, 1007–1014 or 3000–4999',
    },
    reason: { type: 'string', control: 'text', description: 'Its reason' },
  },
  args: { delay: 3000, downFor: 2000, code: 4000, reason: 'maintenance' },
} satisfies Meta<typeof ConnectionBanner>;

export default meta;
type Story = StoryObj<typeof meta>;

export const RestartAndClose: Story = {
  play: async ({ canvasElement, step, args }) => {
    const canvas = within(canvasElement);
    const banner = canvas.getByLabelText('connection banner');
    const seconds = args.delay / 1000;
    await waitFor(() => expect(banner).toHaveTextContent(/^Connected$/), { timeout: 5000 });
    await step('the server restarts: cause, attempt and a countdown', async () => {
      await userEvent.click(canvas.getByRole('button', { name: /^Restart the server/ }));
      // Attempt 1, the immediate retry, was refused: attempt 2 waits for the backoff.
      const lost = 'Connection lost (1012 server restart) — retrying in';
      await waitFor(() => expect(banner).toHaveTextContent(`${lost} ${seconds} s (attempt 2)`), {
        timeout: 5000,
      });
      const counting = Date.now();
      await expect(canvas.getByRole('button', { name: 'Retry now' })).toBeVisible();
      // The countdown is live: it ticks down with no new attempt and no new connection state.
      for (let left = seconds - 1; left >= 1; left--) {
        await waitFor(() => expect(banner).toHaveTextContent(`${lost} ${left} s (attempt 2)`), {
          timeout: 2500,
        });
      }
      await waitFor(
        () => expect(banner).toHaveTextContent('Reconnected after 1012 server restart'),
        {
          timeout: args.delay + Math.max(0, args.downFor - args.delay) + 5000,
        },
      );
      // The attempt started when the countdown ran out, not before: "3 s" meant more than 2.
      await expect(Date.now() - counting).toBeGreaterThanOrEqual(args.delay - 1000);
    });
    await step(
      'the server closes: reconnected at once, and the banner still says why',
      async () => {
        await userEvent.click(canvas.getByRole('button', { name: /^The server closes/ }));
        await waitFor(
          () =>
            expect(banner).toHaveTextContent(
              `Reconnected after ${`${args.code} ${args.reason}`.trim()}`,
            ),
          { timeout: 5000 },
        );
      },
    );
  },
};

const lost = 'Connection lost (1012 server restart) — retrying in';

/** A long backoff, the server back at once: the banner counts down to the next attempt. */
export const WaitingToRetry: Story = {
  args: { delay: 10_000, downFor: 500 },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const banner = canvas.getByLabelText('connection banner');
    const seconds = args.delay / 1000;
    await waitFor(() => expect(banner).toHaveTextContent(/^Connected$/), { timeout: 5000 });
    await userEvent.click(canvas.getByRole('button', { name: /^Restart the server/ }));
    await waitFor(() => expect(banner).toHaveTextContent(`${lost} ${seconds} s (attempt 2)`), {
      timeout: 5000,
    });
    await waitFor(() => expect(banner).toHaveTextContent(`${lost} ${seconds - 1} s (attempt 2)`), {
      timeout: 2500,
    });
    await expect(canvas.getByRole('button', { name: 'Retry now' })).toBeEnabled();
  },
};

/** "Retry now" (`useReconnect`) skips what is left of the wait: each press is an attempt at once. */
export const RetryNow: Story = {
  args: { delay: 10_000, downFor: 500 },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const banner = canvas.getByLabelText('connection banner');
    const back = 'Reconnected after 1012 server restart';
    await waitFor(() => expect(banner).toHaveTextContent(/^Connected$/), { timeout: 5000 });
    await userEvent.click(canvas.getByRole('button', { name: /^Restart the server/ }));
    await waitFor(() => expect(banner).toHaveTextContent(`${lost} ${args.delay / 1000} s`), {
      timeout: 5000,
    });
    // Pressed until the server is back (downFor): a refused attempt waits for the next one,
    // and each outcome comes far sooner than the backoff's delay would allow.
    for (let attempt = 2; banner.textContent !== back; attempt++) {
      if (attempt > 500) throw new Error('not reconnected after 500 attempts');
      await userEvent.click(canvas.getByRole('button', { name: 'Retry now' }));
      await waitFor(
        () =>
          expect(banner.textContent).toMatch(new RegExp(`^${back}$|\\(attempt ${attempt + 1}\\)$`)),
        { timeout: args.delay / 2 },
      );
    }
    await expect(canvas.queryByRole('button', { name: 'Retry now' })).toBeNull();
  },
};
