import type { Schemas } from './api/client';
import { duration, when } from './format';

const W = 760;
const H = 180;
const PAD = { left: 64, right: 12, top: 10, bottom: 26 };

/**
 * Run durations over time: one bar per finished run at its creation time, as tall as it ran,
 * coloured by status. The summary (count, shortest, median, longest) is its text alternative.
 */
export function DurationChart({ runs }: { runs: readonly Schemas['Run'][] }) {
  const points = runs
    .filter((r) => r.durationMs !== null && r.createdAt)
    .map((r) => ({ r, t: new Date(r.createdAt!).getTime(), ms: r.durationMs! }))
    .sort((a, b) => a.t - b.t);
  if (points.length === 0) return <p className="muted">No finished run yet.</p>;
  const sorted = points.map((p) => p.ms).sort((a, b) => a - b);
  const max = Math.max(sorted[sorted.length - 1]!, 1);
  const t0 = points[0]!.t;
  const t1 = Math.max(points[points.length - 1]!.t, t0 + 1);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const barW = Math.max(2, Math.min(14, plotW / points.length - 2));
  const x = (t: number) =>
    points.length === 1 ? PAD.left + plotW / 2 : PAD.left + ((t - t0) / (t1 - t0)) * (plotW - barW);
  const y = (ms: number) => PAD.top + plotH - (ms / max) * plotH;
  const summary = `Durations of the last ${points.length} finished runs: shortest ${duration(
    sorted[0],
  )}, median ${duration(sorted[Math.floor(sorted.length / 2)])}, longest ${duration(max)}.`;
  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <line className="axis" x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
        <text className="axis-label" x={PAD.left - 6} y={y(max) + 4} textAnchor="end">
          {duration(max)}
        </text>
        <text className="axis-label" x={PAD.left - 6} y={y(0)} textAnchor="end">
          0
        </text>
        {points.map((p) => (
          <rect
            key={p.r.id}
            className={`bar ${p.r.status}`}
            x={x(p.t)}
            y={y(p.ms)}
            width={barW}
            height={Math.max(1, y(0) - y(p.ms))}
          >
            <title>
              {p.r.id}: {p.r.status}, {duration(p.ms)}
            </title>
          </rect>
        ))}
        <text className="axis-label" x={PAD.left} y={H - 6}>
          {when(new Date(t0).toISOString())}
        </text>
        <text className="axis-label" x={W - PAD.right} y={H - 6} textAnchor="end">
          {when(new Date(t1).toISOString())}
        </text>
      </svg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
