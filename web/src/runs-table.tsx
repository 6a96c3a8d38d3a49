import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data, type Schemas } from './api/client';
import { duration, when } from './format';

export type RunsQuery = {
  status?: Schemas['Run']['status'];
  scheduleId?: string;
  limit?: number;
  cursor?: string;
};

/** A page of runs (newest first), kept live by the event stream. */
export function RunsTable({ query, empty }: { query: RunsQuery; empty: string }) {
  const runs = useQuery({
    queryKey: ['runs', query],
    queryFn: () => data(api.GET('/runs', { params: { query } })),
  });
  if (runs.isError) return <p className="error-text">{(runs.error as Error).message}</p>;
  if (!runs.data) return <p aria-busy="true">Loading…</p>;
  if (runs.data.runs.length === 0) return <p className="muted">{empty}</p>;
  return <RunRows runs={runs.data.runs} />;
}

export function RunRows({ runs }: { runs: readonly Schemas['Run'][] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Status</th>
          <th scope="col">Schedule</th>
          <th scope="col">Trigger</th>
          <th scope="col">Created</th>
          <th scope="col">Duration</th>
          <th scope="col">Attempts</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-run={r.id}>
            <td className="mono">
              <Link href={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>
            </td>
            <td>
              <span className={`status ${r.status}`}>{r.status}</span>
            </td>
            <td>
              {r.scheduleId ? (
                <Link href={`/schedules/${encodeURIComponent(r.scheduleId)}`}>{r.scheduleId}</Link>
              ) : (
                <span className="muted">ad hoc</span>
              )}
            </td>
            <td>{r.trigger}</td>
            <td>{when(r.createdAt)}</td>
            <td>{duration(r.durationMs)}</td>
            <td>{r.attempts}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
