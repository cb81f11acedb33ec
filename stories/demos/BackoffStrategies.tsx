import {
  type Backoff,
  BinaryExponentialBackoff,
  ConstantBackoff,
  LinearBackoff,
  withJitter,
} from 'web-socket-client';

export interface BackoffArgs {
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

/** A seeded random source (mulberry32): the same seed draws the same jitter. */
const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface Series {
  name: string;
  color: string;
  /** Drawn dashed: it may lie on top of the series it wraps. */
  dashed?: boolean;
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
      dashed: true,
      ...sequence(() => withJitter(exponential(), { ratio, random: seeded(seed) }), attempts),
    },
  ];
};

/** A round step for about four gridlines up to `top`: 1, 2 or 5 times a power of ten. */
export const tickStep = (top: number): number => {
  const rough = top / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].find((m) => m * power >= rough) ?? 10;
  return Math.max(1, step * power);
};

const format = (ms: number) => `${ms.toLocaleString('en')} ms`;

const W = 720;
const H = 300;
const PAD = { right: 16, top: 16, bottom: 36 };
/** Width of one digit of an 11 px tick label, generously: the labels' column is sized by it. */
const CHAR = 7;

function Chart({ series, attempts }: { series: Series[]; attempts: number }) {
  const highest = Math.max(1, ...series.flatMap((s) => s.values ?? []));
  const step = tickStep(highest);
  // The axis ends on the first round value at or above every delay: no point above the top.
  const top = Math.ceil(highest / step) * step;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const left = 12 + CHAR * Math.max(...ticks.map((t) => format(t).length));
  const x = (i: number) =>
    left + (attempts <= 1 ? 0 : (i / (attempts - 1)) * (W - left - PAD.right));
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="backoff delays per attempt"
    >
      {ticks.map((t) => (
        <g key={t} data-tick={t}>
          <line x1={left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#eaeef2" />
          <text x={left - 6} y={y(t) + 4} fontSize="11" textAnchor="end" fill="#57606a">
            {format(t)}
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
      <text
        x={(left + W - PAD.right) / 2}
        y={H - 4}
        fontSize="11"
        textAnchor="middle"
        fill="#57606a"
      >
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
              strokeDasharray={s.dashed ? '6 4' : undefined}
            />
            {s.values.map((v, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one point per attempt
              <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={s.color}>
                <title>{`${s.name} #${i + 1}: ${format(Math.round(v))}`}</title>
              </circle>
            ))}
          </g>
        ) : null,
      )}
    </svg>
  );
}

export function BackoffStrategies(args: BackoffArgs) {
  const series = computeSeries(args);
  return (
    <>
      <ul className="legend" aria-label="strategies">
        {series.map((s) => (
          <li key={s.name} style={{ color: s.color }}>
            <span
              className="swatch"
              style={{
                background: s.dashed
                  ? `repeating-linear-gradient(90deg, ${s.color} 0 5px, transparent 5px 8px)`
                  : s.color,
              }}
            />
            <code>{s.name}</code>
          </li>
        ))}
      </ul>
      <Chart series={series} attempts={args.attempts} />
      <table className="values" aria-label="delays in ms">
        <thead>
          <tr>
            <th scope="col">delay (ms)</th>
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
