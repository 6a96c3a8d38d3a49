import type { Schemas } from './api/client';
import { duration, when } from './format';
import { useNow } from './now';

type Attempt = Schemas['Attempt'];

const ROW = 26;
const LABEL = 90;
const WIDTH = 760;

/**
 * A run's attempts on one time axis: a bar per attempt from its start to its end (or now), coloured
 * and labelled by status (a running attempt grows with the clock). The table below it carries the same facts for screen readers and as text.
 */
export function AttemptTimeline({ attempts }: { attempts: readonly Attempt[] }) {
  const now = useNow(1_000);
  const spans = attempts
    .filter((a) => a.startedAt)
    .map((a) => ({
      a,
      from: new Date(a.startedAt!).getTime(),
      to: a.endedAt ? new Date(a.endedAt).getTime() : now,
    }));
  if (attempts.length === 0) return <p className="muted">No attempt has started yet.</p>;
  const t0 = Math.min(...spans.map((s) => s.from), now);
  const t1 = Math.max(...spans.map((s) => s.to), t0 + 1);
  const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * (WIDTH - LABEL - 10);
  const height = spans.length * ROW + 20;
  return (
    <>
      {spans.length > 0 && (
        <svg
          className="chart timeline"
          viewBox={`0 0 ${WIDTH} ${height}`}
          role="img"
          aria-label={`Attempts timeline: ${spans
            .map((s) => `attempt ${s.a.number} ${s.a.status}, ${duration(s.to - s.from)}`)
            .join('; ')}`}
        >
          {spans.map((s, i) => (
            <g key={s.a.number} transform={`translate(0 ${i * ROW})`}>
              <text x={0} y={ROW / 2 + 4} className="axis-label">
                #{s.a.number} {s.a.status}
              </text>
              <rect
                x={x(s.from)}
                y={4}
                width={Math.max(3, x(s.to) - x(s.from))}
                height={ROW - 8}
                rx={3}
                className={`bar ${s.a.status}`}
              >
                <title>
                  Attempt {s.a.number}: {s.a.status}, {duration(s.to - s.from)}
                </title>
              </rect>
            </g>
          ))}
          <text x={LABEL} y={height - 4} className="axis-label">
            {when(new Date(t0).toISOString())}
          </text>
          <text x={WIDTH - 10} y={height - 4} className="axis-label" textAnchor="end">
            +{duration(t1 - t0)}
          </text>
        </svg>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
            <th scope="col">Duration</th>
            <th scope="col">Exit</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.number}>
              <td>{a.number}</td>
              <td>
                <span className={`status ${a.status}`}>{a.status}</span>
              </td>
              <td>{when(a.startedAt)}</td>
              <td>{when(a.endedAt)}</td>
              <td>{duration(a.durationMs)}</td>
              <td>{a.exitCode ?? a.signal ?? '—'}</td>
              <td>{a.failure ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
