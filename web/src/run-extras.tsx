/** The run page's re-run and resume buttons and its recipe snapshot (collapsible, fetched when opened). */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { api, data, type Schemas } from './api/client';

/** Starts the run's recipe again, with its params, timeout and retries; opens the new run. */
export function RerunButton({ run }: { run: Schemas['RunDetail'] }) {
  const [, navigate] = useLocation();
  const rerun = useMutation({
    mutationFn: () =>
      data(
        api.POST('/runs', {
          body: {
            recipe: run.recipe,
            params: run.params,
            timeout: `${run.options.timeoutMs}ms`,
            retries: Math.min(100, Math.max(0, run.options.retryPolicy.maxAttempts - 1)),
          },
        }),
      ),
    onSuccess: (started) => navigate(`/runs/${encodeURIComponent(started.id)}`),
  });
  return (
    <>
      <button type="button" disabled={rerun.isPending} onClick={() => rerun.mutate()}>
        Re-run
      </button>
      {rerun.isError && (
        <span className="error-text" role="alert">
          {(rerun.error as Error).message}
        </span>
      )}
    </>
  );
}

/** Resumes a pipeline run that failed, timed out or was cancelled; opens the new run. */
export function ResumeButton({ run }: { run: Schemas['RunDetail'] }) {
  const [, navigate] = useLocation();
  const resume = useMutation({
    mutationFn: () => data(api.POST('/runs/{id}/resume', { params: { path: { id: run.id } } })),
    onSuccess: (started) => navigate(`/runs/${encodeURIComponent(started.id)}`),
  });
  const resumable =
    run.kind === 'pipeline' &&
    !run.pipelineRun &&
    ['failed', 'timed_out', 'cancelled'].includes(run.status);
  if (!resumable) return null;
  return (
    <>
      <button
        type="button"
        disabled={resume.isPending}
        onClick={() => resume.mutate()}
        title="A new run that carries the steps that succeeded over and runs the rest"
      >
        Resume
      </button>
      {resume.isError && (
        <span className="error-text" role="alert">
          {(resume.error as Error).message}
        </span>
      )}
    </>
  );
}

/** The recipe snapshot a run executed (`runId`) or a schedule runs (`scheduleId`). */
export function RecipeSnapshot(of: { runId: string } | { scheduleId: string }) {
  const [open, setOpen] = useState(false);
  const recipe = useQuery({
    queryKey: 'runId' in of ? ['run-recipe', of.runId] : ['schedule-recipe', of.scheduleId],
    queryFn: () =>
      data(
        'runId' in of
          ? api.GET('/runs/{id}/recipe', { params: { path: { id: of.runId } } })
          : api.GET('/schedules/{id}/recipe', { params: { path: { id: of.scheduleId } } }),
      ),
    enabled: open,
    staleTime: 'runId' in of ? Infinity : 0,
  });
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Recipe</summary>
      {recipe.isError ? (
        <p className="error-text">{(recipe.error as Error).message}</p>
      ) : !recipe.data ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <p className="muted">
            <span className="mono">{recipe.data.path}</span> · snapshot{' '}
            <span className="mono">{recipe.data.hash.slice(0, 12)}</span>
            {recipe.data.truncated ? ' · cut at 256 KiB' : ''}
          </p>
          <pre className="log" tabIndex={0} aria-label="Recipe file">
            {recipe.data.content}
          </pre>
          {recipe.data.files.map((f) => (
            <div key={f.path}>
              <h3 className="mono">{f.path}</h3>
              <pre className="log" tabIndex={0} aria-label={`Sub-recipe ${f.path}`}>
                {f.content}
              </pre>
            </div>
          ))}
        </>
      )}
    </details>
  );
}
