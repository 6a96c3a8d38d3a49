import { useRunsPage } from './runs-table';

/**
 * The last `count` runs of a schedule as dots, oldest to newest, coloured by status; each dot has
 * its status as a tooltip, and the strip a text summary for screen readers.
 */
export function OutcomeStrip({ scheduleId, count = 20 }: { scheduleId: string; count?: number }) {
  const runs = useRunsPage({ scheduleId, limit: count });
  if (!runs.data) return <span className="muted">…</span>;
  const list = [...runs.data.runs].reverse();
  if (list.length === 0) return <span className="muted">no run yet</span>;
  const tally = new Map<string, number>();
  for (const r of list) tally.set(r.status, (tally.get(r.status) ?? 0) + 1);
  const summary = `last ${list.length} runs, oldest first: ${[...tally]
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')}; latest ${list[list.length - 1]!.status}`;
  return (
    <span className="strip" role="img" aria-label={summary}>
      {list.map((r) => (
        <span key={r.id} className={`dot ${r.status}`} title={`${r.id}: ${r.status}`} />
      ))}
    </span>
  );
}
