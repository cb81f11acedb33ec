import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { type BackoffArgs, BackoffStrategies } from './demos/BackoffStrategies';
import source from './demos/BackoffStrategies.tsx?raw';
import { demoDocs } from './support/source';

const ms = { type: 'number', control: { type: 'range', min: 0, max: 2000, step: 10 } } as const;

const meta = {
  title: 'Demos/Backoff strategies',
  component: BackoffStrategies,
  parameters: {
    chaos: false,
    ...demoDocs(
      source,
      'The delay sequence of each built-in backoff, computed live from the controls. The jittered series uses a seeded random source, so the same seed always draws the same chart. Out-of-range numbers fail at once with an `InvalidOptionError`.',
    ),
  },
  argTypes: {
    initial: { ...ms, description: 'The first delay of every strategy (ms)' },
    increment: { ...ms, description: 'LinearBackoff: added per attempt (ms)' },
    maximum: {
      type: 'number',
      control: { type: 'range', min: 0, max: 10_000, step: 50 },
      description: 'LinearBackoff: a step past this is not taken (ms)',
    },
    maximumStep: {
      type: 'number',
      control: { type: 'range', min: 0, max: 10, step: 1 },
      description: 'BinaryExponentialBackoff: the number of distinct delays',
    },
    ratio: {
      type: 'number',
      control: { type: 'range', min: 0, max: 1.5, step: 0.05 },
      description: 'withJitter: each delay lands in [d × (1 − ratio), d × (1 + ratio)]',
    },
    seed: {
      type: 'number',
      control: { type: 'number' },
      description: 'Seed of the jitter’s random source',
    },
    attempts: {
      type: 'number',
      control: { type: 'range', min: 1, max: 20, step: 1 },
      description: 'How many delays to draw',
    },
  },
  args: {
    initial: 100,
    increment: 100,
    maximum: 600,
    maximumStep: 5,
    ratio: 0.5,
    seed: 7,
    attempts: 10,
  },
} satisfies Meta<typeof BackoffStrategies>;

export default meta;
type Story = StoryObj<typeof meta>;

const rows = (canvasElement: HTMLElement): Record<string, string[]> => {
  const table = within(canvasElement).getByRole('table', { name: 'delays in ms' });
  return Object.fromEntries(
    [...table.querySelectorAll('tbody tr')].map((tr) => [
      tr.querySelector('th')?.textContent ?? '',
      [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    ]),
  );
};

/** The sequences as the README defines them, from whatever args the story runs with. */
const expected = ({ initial, increment, maximum, maximumStep, attempts }: BackoffArgs) => {
  const linear: number[] = [];
  for (let d = initial; linear.length < attempts; d = d + increment <= maximum ? d + increment : d)
    linear.push(d);
  return {
    constant: Array.from({ length: attempts }, () => initial),
    linear,
    exponential: Array.from(
      { length: attempts },
      (_, i) => initial * 2 ** Math.min(i, maximumStep - 1),
    ),
  };
};

const strings = (values: number[]) => values.map((v) => String(Math.round(v)));

/** Every tick label lies inside the chart, and sits on a round value (1, 2 or 5 × 10^k). */
const axisFits = async (canvasElement: HTMLElement) => {
  const chart = within(canvasElement).getByRole('img', { name: 'backoff delays per attempt' });
  const frame = chart.getBoundingClientRect();
  const ticks = [...chart.querySelectorAll<SVGGElement>('[data-tick]')];
  await expect(ticks.length).toBeGreaterThanOrEqual(3);
  const values = ticks.map((g) => Number(g.dataset.tick));
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  await expect(String(step)).toMatch(/^[125]0*$/);
  for (const g of ticks) {
    const label = g.querySelector('text');
    if (!label) throw new Error('a tick without a label');
    const box = label.getBoundingClientRect();
    await expect(box.left).toBeGreaterThanOrEqual(frame.left);
    await expect(box.top).toBeGreaterThanOrEqual(frame.top);
    await expect(label.textContent).toBe(`${Number(g.dataset.tick).toLocaleString('en')} ms`);
  }
  // The highest delay is below the top gridline, not above the chart.
  const highest = Math.max(
    ...Object.values(rows(canvasElement))
      .flat()
      .map(Number)
      .filter((v) => Number.isFinite(v)),
  );
  await expect(Math.max(...values)).toBeGreaterThanOrEqual(highest);
};

export const Strategies: Story = {
  play: async ({ canvasElement, args }) => {
    const table = rows(canvasElement);
    const want = expected(args);
    await expect(table.ConstantBackoff).toEqual(strings(want.constant));
    await expect(table.LinearBackoff).toEqual(strings(want.linear));
    await expect(table.BinaryExponentialBackoff).toEqual(strings(want.exponential));
    // Jitter stays within ±ratio of the wrapped delay, and (unless ratio is 0) does move it.
    const jittered = (table['withJitter(BinaryExponential)'] ?? []).map(Number);
    await expect(jittered).toHaveLength(args.attempts);
    jittered.forEach((v, i) => {
      const d = want.exponential[i] ?? 0;
      expect(v).toBeGreaterThanOrEqual(Math.floor(d * (1 - args.ratio)));
      expect(v).toBeLessThanOrEqual(Math.ceil(d * (1 + args.ratio)));
    });
    if (args.ratio > 0) await expect(jittered).not.toEqual(want.exponential);
    const chart = within(canvasElement).getByRole('img', { name: 'backoff delays per attempt' });
    await expect(chart.querySelectorAll('polyline')).toHaveLength(4);
    await expect(chart.querySelectorAll('circle')).toHaveLength(4 * args.attempts);
    await axisFits(canvasElement);
  },
};

/** Delays of many seconds: the axis labels them in full, at round values. */
export const Seconds: Story = {
  args: { initial: 1500, maximumStep: 4, increment: 1000, maximum: 6000, ratio: 0.5, seed: 3 },
  play: Strategies.play,
};

export const NoJitter: Story = {
  args: { ratio: 0 },
  play: async ({ canvasElement }) => {
    const table = rows(canvasElement);
    await expect(table['withJitter(BinaryExponential)']).toEqual(table.BinaryExponentialBackoff);
  },
};

export const InvalidInput: Story = {
  args: { maximumStep: 0, ratio: 1.5 },
  play: async ({ canvasElement, args }) => {
    const table = rows(canvasElement);
    await expect(table.BinaryExponentialBackoff?.[0]).toMatch(
      /^InvalidOptionError: BinaryExponentialBackoff maximumStep must be an integer >= 1/,
    );
    await expect(table['withJitter(BinaryExponential)']?.[0]).toMatch(/^InvalidOptionError/);
    await expect(table.ConstantBackoff).toEqual(strings(expected(args).constant));
    const chart = within(canvasElement).getByRole('img', { name: 'backoff delays per attempt' });
    await expect(chart.querySelectorAll('polyline')).toHaveLength(2);
  },
};
