import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data, type Schemas } from './api/client';
import { duration, when } from './format';
import { WindowedTable } from './windowed-table';

export type RunsQuery = {
  status?: Schemas['Run']['status'];
  scheduleId?: string;
  trigger?: Schemas['Run']['trigger'];
  since?: string;
  limit?: number;
  cursor?: string;
};

/** A page of runs (newest first), kept live by the event stream (live.ts invalidates ['runs']). */
export function useRunsPage(query: RunsQuery) {
  return useQuery({
    queryKey: ['runs', query],
    queryFn: () => data(api.GET('/runs', { params: { query } })),
    // A page with runs that have not ended is asked for again every 3 s as well (on Temporal the
    // event stream does not carry what happens between a run's start and its end).
    refetchInterval: (q) =>
      q.state.data?.runs.some((r) => ['pending', 'running', 'retrying'].includes(r.status))
        ? 3_000
        : false,
  });
}

export function RunsTable({ query, empty }: { query: RunsQuery; empty: string }) {
  const runs = useRunsPage(query);
  if (runs.isError) return <p className="error-text">{(runs.error as Error).message}</p>;
  if (!runs.data) return <p aria-busy="true">Loading…</p>;
  if (runs.data.runs.length === 0) return <p className="muted">{empty}</p>;
  return <RunRows runs={runs.data.runs} />;
}

const ROW_HEIGHT = 36;

/** A pipeline run's badge; a step's run tied to its pipeline run ("step review.1 of r-…"). */
function Kind({ run }: { run: Schemas['Run'] }) {
  const step = run.pipelineRun;
  if (step)
    return (
      <span>
        step{' '}
        <span className="mono">
          {step.step}
          {step.item === null ? '' : `.${step.item}`}
        </span>{' '}
        of{' '}
        <Link href={`/runs/${encodeURIComponent(step.runId)}`} className="mono">
          {step.runId}
        </Link>
      </span>
    );
  return run.kind === 'pipeline' ? (
    <span className="badge">pipeline</span>
  ) : (
    <span className="muted">recipe</span>
  );
}

/** Runs as a table that renders only the rows in view; the run link is the first cell. */
export function RunRows({ runs }: { runs: readonly Schemas['Run'][] }) {
  return (
    <WindowedTable
      rows={runs}
      rowHeight={ROW_HEIGHT}
      label="Runs"
      head={
        <tr aria-rowindex={1}>
          <th scope="col">Run</th>
          <th scope="col">Status</th>
          <th scope="col">Kind</th>
          <th scope="col">Schedule</th>
          <th scope="col">Trigger</th>
          <th scope="col">Created</th>
          <th scope="col">Duration</th>
          <th scope="col">Attempts</th>
        </tr>
      }
      row={(r, i) => (
        <tr key={r.id} data-run={r.id} aria-rowindex={i + 2} style={{ height: ROW_HEIGHT }}>
          <td className="mono clip">
            <Link href={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>
          </td>
          <td>
            <span className={`status ${r.status}`}>{r.status}</span>
          </td>
          <td className="clip">
            <Kind run={r} />
          </td>
          <td className="clip">
            {r.scheduleId ? (
              <Link href={`/schedules/${encodeURIComponent(r.scheduleId)}`}>{r.scheduleId}</Link>
            ) : (
              <span className="muted">ad hoc</span>
            )}
          </td>
          <td>{r.trigger}</td>
          <td className="clip">{when(r.createdAt)}</td>
          <td>{duration(r.durationMs)}</td>
          <td>{r.attempts}</td>
        </tr>
      )}
    />
  );
}
