import { useInfiniteQuery } from '@tanstack/react-query';
import { useIdParam } from '../route-param';
import { api, data, type Schemas } from '../api/client';
import { when } from '../format';
import { Link } from 'wouter';
import { DurationChart } from '../duration-chart';
import { OccurrenceLedger } from '../occurrence-ledger';
import { ScheduleActions } from '../schedule-actions';
import { RunRows, useRunsPage } from '../runs-table';
import { RecipeSnapshot } from '../run-extras';

const DECISIONS_PER_PAGE = 100;

function detailPage(id: string, before: string): Promise<Schemas['ScheduleDetail']> {
  const query = { decisions: DECISIONS_PER_PAGE, ...(before ? { before } : {}) };
  return data(api.GET('/schedules/{id}', { params: { path: { id }, query } }));
}

export function ScheduleDetailPage() {
  const id = useIdParam();
  // Page 1 is the schedule with its newest decisions; "Older occurrences" follows moreDecisions.
  const schedule = useInfiniteQuery({
    queryKey: ['schedule', id, 'ledger'],
    queryFn: ({ pageParam }: { pageParam: string }) => detailPage(id, pageParam),
    initialPageParam: '',
    getNextPageParam: (last: Schemas['ScheduleDetail']) => last.moreDecisions ?? undefined,
  });
  const runs = useRunsPage({ scheduleId: id, limit: 100 });
  if (schedule.isError) return <p className="error-text">{(schedule.error as Error).message}</p>;
  const pages = schedule.data?.pages ?? [];
  const s = pages[0];
  if (!s) return <p aria-busy="true">Loading…</p>;
  const decisions = pages.flatMap((p) => p.decisions);
  return (
    <>
      <h1>
        Schedule <span className="mono">{s.id}</span>
      </h1>
      <Link href={`/schedules/${encodeURIComponent(s.id)}/edit`}>Edit</Link>
      <ScheduleActions schedule={s} />
      <dl className="facts">
        <dt>Cron</dt>
        <dd>
          <span className="mono">{s.cron}</span> ({s.timezone}) — {s.description}
        </dd>
        <dt>Recipe</dt>
        <dd className="mono">{s.recipe}</dd>
        <dt>State</dt>
        <dd data-testid="schedule-state">
          {s.paused ? `paused${s.note ? `: ${s.note}` : ''}` : 'active'}
        </dd>
        <dt>Overlap</dt>
        <dd>{s.overlap}</dd>
        <dt>Next fires</dt>
        <dd>{s.paused ? '—' : s.nextRuns.map((t) => when(t)).join(' · ') || '—'}</dd>
      </dl>
      <RecipeSnapshot scheduleId={s.id} />
      <h2>Occurrences</h2>
      {decisions.length === 0 ? (
        <p className="muted">No occurrence yet.</p>
      ) : (
        <OccurrenceLedger decisions={decisions} />
      )}
      {schedule.hasNextPage && (
        <button
          type="button"
          disabled={schedule.isFetchingNextPage}
          onClick={() => void schedule.fetchNextPage()}
        >
          Older occurrences
        </button>
      )}
      <h2>Run durations</h2>
      {runs.data ? <DurationChart runs={runs.data.runs} /> : <p aria-busy="true">Loading…</p>}
      <h2>Runs</h2>
      {runs.data && runs.data.runs.length > 0 ? (
        <RunRows runs={runs.data.runs} />
      ) : (
        <p className="muted">No run yet.</p>
      )}
    </>
  );
}
