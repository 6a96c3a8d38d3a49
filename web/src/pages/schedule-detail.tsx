import { useQuery } from '@tanstack/react-query';
import { useIdParam } from '../route-param';
import { api, data } from '../api/client';
import { when } from '../format';
import { RunsTable } from '../runs-table';
import { Link } from 'wouter';

export function ScheduleDetailPage() {
  const id = useIdParam();
  const schedule = useQuery({
    queryKey: ['schedule', id],
    queryFn: () => data(api.GET('/schedules/{id}', { params: { path: { id } } })),
  });
  if (schedule.isError) return <p className="error-text">{(schedule.error as Error).message}</p>;
  const s = schedule.data;
  if (!s) return <p aria-busy="true">Loading…</p>;
  return (
    <>
      <h1>
        Schedule <span className="mono">{s.id}</span>
      </h1>
      <Link href={`/schedules/${encodeURIComponent(s.id)}/edit`}>Edit</Link>
      <dl className="facts">
        <dt>Cron</dt>
        <dd className="mono">
          {s.cron} ({s.timezone})
        </dd>
        <dt>Recipe</dt>
        <dd className="mono">{s.recipe}</dd>
        <dt>State</dt>
        <dd>{s.paused ? `paused${s.note ? `: ${s.note}` : ''}` : 'active'}</dd>
        <dt>Overlap</dt>
        <dd>{s.overlap}</dd>
        <dt>Next fires</dt>
        <dd>{s.nextRuns.map((t) => when(t)).join(' · ') || '—'}</dd>
      </dl>
      <h2>Occurrences</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Scheduled</th>
            <th scope="col">Source</th>
            <th scope="col">Fate</th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          {s.decisions.map((d) => (
            <tr key={`${d.scheduledAt}-${d.source}`}>
              <td>{when(d.scheduledAt)}</td>
              <td>{d.source}</td>
              <td>
                <span className={`fate ${d.decision}`}>{d.decision}</span>
              </td>
              <td className="mono">{d.runId ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Runs</h2>
      <RunsTable query={{ scheduleId: s.id, limit: 50 }} empty="No run yet." />
    </>
  );
}
