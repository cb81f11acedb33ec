import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import {
  type Backoff,
  BinaryExponentialBackoff,
  ConstantBackoff,
  LinearBackoff,
  withJitter,
} from 'web-socket-client';
import { mulberry32 } from '../test/support/random';

interface BackoffArgs {
  /** The first delay of every strategy, in ms. */
  initial: number;
  /** LinearBackoff: added per attempt, in ms. */
  increment: number;
  /** LinearBackoff: the delay never grows past this, in ms. */
  maximum: number;
  /** BinaryExponentialBackoff: the number of distinct delays (it doubles maximumStep − 1 times). */
  maximumStep: number;
  /** withJitter: each delay is spread over [d × (1 − ratio), d × (1 + ratio)]. */
  ratio: number;
  /** Seed of the jitter's random source, so the chart is repeatable. */
  seed: number;
  /** How many delays to draw. */
  attempts: number;
}

interface Series {
  name: string;
  color: string;
  values?: number[];
  error?: string;
}

const sequence = (make: () => Backoff, count: number): Pick<Series, 'values' | 'error'> => {
  try {
    const backoff = make();
    return { values: Array.from({ length: count }, () => backoff.next()) };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
};

const computeSeries = (args: BackoffArgs): Series[] => {
  const { initial, increment, maximum, maximumStep, ratio, seed, attempts } = args;
  const exponential = () => new BinaryExponentialBackoff({ initial, maximumStep });
  return [
    {
      name: 'ConstantBackoff',
      color: '#0969da',
      ...sequence(() => new ConstantBackoff(initial), attempts),
    },
    {
      name: 'LinearBackoff',
      color: '#1a7f37',
      ...sequence(() => new LinearBackoff({ initial, increment, maximum }), attempts),
    },
    { name: 'BinaryExponentialBackoff', color: '#bf3989', ...sequence(exponential, attempts) },
    {
      name: 'withJitter(BinaryExponential)',
      color: '#9a6700',
      ...sequence(() => withJitter(exponential(), { ratio, random: mulberry32(seed) }), attempts),
    },
  ];
};

const W = 720;
const H = 300;
const PAD = { left: 56, right: 16, top: 16, bottom: 36 };

function Chart({ series, attempts }: { series: Series[]; attempts: number }) {
  const top = Math.max(1, ...series.flatMap((s) => s.values ?? []));
  const x = (i: number) =>
    PAD.left + (attempts <= 1 ? 0 : (i / (attempts - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(top * f));
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="backoff delays per attempt"
    >
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#eaeef2" />
          <text x={PAD.left - 6} y={y(t) + 4} fontSize="11" textAnchor="end" fill="#57606a">
            {t} ms
          </text>
        </g>
      ))}
      {Array.from({ length: attempts }, (_, i) => (
        <text
          // biome-ignore lint/suspicious/noArrayIndexKey: axis labels
          key={i}
          x={x(i)}
          y={H - PAD.bottom + 16}
          fontSize="11"
          textAnchor="middle"
          fill="#57606a"
        >
          {i + 1}
        </text>
      ))}
      <text x={W / 2} y={H - 4} fontSize="11" textAnchor="middle" fill="#57606a">
        attempt
      </text>
      {series.map((s) =>
        s.values ? (
          <g key={s.name} data-series={s.name}>
            <polyline
              points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
              fill="none"
              stroke={s.color}
              strokeWidth="2"
            />
            {s.values.map((v, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one point per attempt
              <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={s.color}>
                <title>{`${s.name} #${i + 1}: ${Math.round(v)} ms`}</title>
              </circle>
            ))}
          </g>
        ) : null,
      )}
    </svg>
  );
}

function BackoffStrategies(args: BackoffArgs) {
  const series = computeSeries(args);
  return (
    <>
      <Chart series={series} attempts={args.attempts} />
      <table className="values" aria-label="delays in ms">
        <thead>
          <tr>
            <th scope="col">strategy</th>
            {Array.from({ length: args.attempts }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: column headers
              <th key={i} scope="col">
                #{i + 1}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {series.map((s) => (
            <tr key={s.name}>
              <th scope="row" style={{ color: s.color }}>
                {s.name}
              </th>
              {s.values ? (
                s.values.map((v, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: one cell per attempt
                  <td key={i}>{Math.round(v)}</td>
                ))
              ) : (
                <td className="error" colSpan={args.attempts}>
                  {s.error}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const ms = { control: { type: 'range', min: 0, max: 2000, step: 10 } } as const;

const meta = {
  title: 'Demos/Backoff strategies',
  component: BackoffStrategies,
  parameters: {
    chaos: false,
    docs: {
      description: {
        component:
          'The delay sequence of each built-in backoff, computed live from the controls. The jittered series uses a seeded random source, so the same seed always draws the same chart. Out-of-range numbers fail at once with an `InvalidOptionError`.',
      },
    },
  },
  argTypes: {
    initial: { ...ms, description: 'The first delay of every strategy (ms)' },
    increment: { ...ms, description: 'LinearBackoff: added per attempt (ms)' },
    maximum: {
      control: { type: 'range', min: 0, max: 10_000, step: 50 },
      description: 'LinearBackoff: a step past this is not taken (ms)',
    },
    maximumStep: {
      control: { type: 'range', min: 0, max: 10, step: 1 },
      description: 'BinaryExponentialBackoff: the number of distinct delays',
    },
    ratio: {
      control: { type: 'range', min: 0, max: 1.5, step: 0.05 },
      description: 'withJitter: each delay lands in [d × (1 − ratio), d × (1 + ratio)]',
    },
    seed: { control: { type: 'number' }, description: 'Seed of the jitter’s random source' },
    attempts: {
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

export const Strategies: Story = {
  play: async ({ canvasElement }) => {
    const table = rows(canvasElement);
    await expect(table.ConstantBackoff).toEqual(Array(10).fill('100'));
    await expect(table.LinearBackoff).toEqual([
      '100',
      '200',
      '300',
      '400',
      '500',
      '600',
      '600',
      '600',
      '600',
      '600',
    ]);
    await expect(table.BinaryExponentialBackoff).toEqual([
      '100',
      '200',
      '400',
      '800',
      '1600',
      '1600',
      '1600',
      '1600',
      '1600',
      '1600',
    ]);
    // Jitter stays within ±50 % of the wrapped delay, and does move it.
    const exact = (table.BinaryExponentialBackoff ?? []).map(Number);
    const jittered = (table['withJitter(BinaryExponential)'] ?? []).map(Number);
    await expect(jittered).toHaveLength(10);
    jittered.forEach((v, i) => {
      const d = exact[i] ?? 0;
      expect(v).toBeGreaterThanOrEqual(Math.floor(d * 0.5));
      expect(v).toBeLessThanOrEqual(Math.ceil(d * 1.5));
    });
    await expect(jittered).not.toEqual(exact);
    const chart = within(canvasElement).getByRole('img', { name: 'backoff delays per attempt' });
    await expect(chart.querySelectorAll('polyline')).toHaveLength(4);
    await expect(chart.querySelectorAll('circle')).toHaveLength(40);
  },
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
  play: async ({ canvasElement }) => {
    const table = rows(canvasElement);
    await expect(table.BinaryExponentialBackoff?.[0]).toMatch(
      /^InvalidOptionError: BinaryExponentialBackoff maximumStep must be an integer >= 1/,
    );
    await expect(table['withJitter(BinaryExponential)']?.[0]).toMatch(/^InvalidOptionError/);
    await expect(table.ConstantBackoff).toEqual(Array(10).fill('100'));
    const chart = within(canvasElement).getByRole('img', { name: 'backoff delays per attempt' });
    await expect(chart.querySelectorAll('polyline')).toHaveLength(2);
  },
};
