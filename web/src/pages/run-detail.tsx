import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useIdParam } from '../route-param';
import { api, data } from '../api/client';
import { duration, when } from '../format';
import { LogView } from '../log-view';
import { RecipeSnapshot, RerunButton, ResumeButton } from '../run-extras';
import { PipelineGraph } from '../pipeline-graph';
import { PipelineLinks, RunOutput } from '../run-output';
import { AttemptTimeline } from '../attempt-timeline';
import { CopyButton } from '../copy-button';

/**
 * A run that has not ended is asked for again every 2 s as well: the Temporal engine's event stream
 * has a run's start and end but not what happens between (attempts, retries), docs/api.md.
 */
const whileActive = (q: { state: { data?: { status: string } } }) =>
  ACTIVE.has(q.state.data?.status ?? '') ? 2_000 : false;
const ACTIVE = new Set(['pending', 'running', 'retrying']);

export function RunDetailPage() {
  const id = useIdParam();
  const queries = useQueryClient();
  const run = useQuery({
    queryKey: ['run', id],
    queryFn: () => data(api.GET('/runs/{id}', { params: { path: { id } } })),
    refetchInterval: whileActive,
  });
  const kill = useMutation({
    mutationFn: () => data(api.POST('/runs/{id}/kill', { params: { path: { id } } })),
    onSettled: () => queries.invalidateQueries({ queryKey: ['run', id] }),
  });
  if (run.isError) return <p className="error-text">{(run.error as Error).message}</p>;
  const r = run.data;
  if (!r) return <p aria-busy="true">Loading…</p>;
  const active = r.status === 'pending' || r.status === 'running' || r.status === 'retrying';
  return (
    <>
      <h1>
        Run <span className="mono">{r.id}</span>{' '}
        <span className={`status ${r.status}`}>{r.status}</span>
      </h1>
      <PipelineLinks run={r} />
      <div className="row">
        <ResumeButton run={r} />
        <RerunButton run={r} />
        {active && (
          <button
            className="danger"
            disabled={kill.isPending}
            onClick={() => {
              if (window.confirm(`Kill run ${r.id}? Its whole process tree is stopped.`))
                kill.mutate();
            }}
          >
            Kill
          </button>
        )}
        {kill.isError && <span className="error-text">{(kill.error as Error).message}</span>}
      </div>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{r.kind}</dd>
        <dt>{r.kind === 'pipeline' ? 'Pipeline' : 'Recipe'}</dt>
        <dd className="mono">{r.recipe}</dd>
        <dt>Schedule</dt>
        <dd>{r.scheduleId ?? 'ad hoc'}</dd>
        <dt>Trigger</dt>
        <dd>{r.trigger}</dd>
        <dt>Created</dt>
        <dd>{when(r.createdAt)}</dd>
        <dt>Duration</dt>
        <dd>{duration(r.durationMs)}</dd>
        {r.kind === 'pipeline' ? (
          // A pipeline run has no process of its own: no exit code, no Goose session.
          <>
            <dt>Error</dt>
            <dd>{r.error ? <span className="error-text">{r.error}</span> : '—'}</dd>
          </>
        ) : (
          <>
            <dt>Exit</dt>
            <dd>
              {r.exitCode ?? '—'}
              {r.error ? <span className="error-text"> {r.error}</span> : null}
            </dd>
            <dt>Goose session</dt>
            <dd className="mono">
              {r.sessionId ? (
                <>
                  {r.sessionId} <CopyButton text={r.sessionId} label="Copy the Goose session id" />
                </>
              ) : (
                '—'
              )}
            </dd>
          </>
        )}
        <dt>Params</dt>
        <dd className="mono">
          {Object.entries(r.params)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ') || '—'}
        </dd>
      </dl>
      <RecipeSnapshot runId={r.id} />
      {r.pipeline ? (
        // A pipeline run starts no goose itself: its steps are runs, each with attempts and a log.
        <section aria-labelledby="steps-heading">
          <h2 id="steps-heading">Steps</h2>
          <PipelineGraph pipeline={r.pipeline} />
        </section>
      ) : null}
      <RunOutput output={r.output} pipeline={r.kind === 'pipeline'} />
      {r.kind !== 'pipeline' && (
        <>
          <h2>Attempts</h2>
          <AttemptTimeline attempts={r.attempts} />
          <h2>Log</h2>
          <LogView runId={r.id} attempts={r.attempts.map((a) => a.number)} live={active} />
        </>
      )}
    </>
  );
}
