/**
 * One event stream per tab (`/api/v1/events`): every run event or schedule decision invalidates
 * the queries it changes, so every open page updates without a reload.
 */
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { followSse } from './api/sse';
import { pipelineRunsOf } from './pipeline-layout';

export interface FeedEvent {
  readonly kind: 'run' | 'decision';
  readonly runId?: string;
  readonly scheduleId?: string | null;
}

type Listener = (event: FeedEvent) => void;

type Queries = ReturnType<typeof useQueryClient>;

/** Puts a run's new status into every cached list and its detail, before any refetch. */
function settleInCache(queries: Queries, runId: string, status: string): void {
  queries.setQueriesData<{ runs: { id: string; status: string }[] }>(
    { queryKey: ['runs'] },
    (page) =>
      page && {
        ...page,
        runs: page.runs.map((r) => (r.id === runId ? { ...r, status } : r)),
      },
  );
  queries.setQueryData<{ status: string }>(['run', runId], (run) => run && { ...run, status });
}

/** Invalidations of one burst of events (a run's start is five or six) go out together. */
const pending = { keys: new Set<string>(), timer: 0 };
function refresh(queries: Queries, event: FeedEvent): void {
  for (const key of [
    '["runs"]',
    '["status"]',
    '["schedules"]',
    ...(event.runId ? [JSON.stringify(['run', event.runId])] : []),
    // A step's run changing changes its pipeline run's graph (and that one's, if nested).
    ...(event.runId ? pipelineRunsOf(event.runId).map((id) => JSON.stringify(['run', id])) : []),
    ...(event.scheduleId ? [JSON.stringify(['schedule', event.scheduleId])] : []),
  ])
    pending.keys.add(key);
  if (pending.timer) return;
  pending.timer = window.setTimeout(() => {
    const keys = [...pending.keys];
    pending.keys.clear();
    pending.timer = 0;
    for (const key of keys)
      void queries.invalidateQueries({ queryKey: JSON.parse(key) as unknown[] });
  }, 30);
}
const listeners = new Set<Listener>();

/** Calls `listener` for every event of the tab's stream while the component is mounted. */
export function useFeed(listener: Listener): void {
  useEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listener]);
}

/** Keeps the stream open while the app is; returns whether it is connected now. */
export function useLiveUpdates(enabled: boolean): boolean {
  const queries = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    const stop = new AbortController();
    void followSse('/api/v1/events', {
      signal: stop.signal,
      onState: (on) => {
        setConnected(on);
        // A lost stream may be a server that is gone: ask it now, not at the next poll.
        if (!on) void queries.invalidateQueries({ queryKey: ['status'] });
      },
      onMessage: (m) => {
        if (m.event !== 'run' && m.event !== 'decision') return;
        // `event: run` {runId, scheduleId, type, data, …}; `event: decision` {scheduleId, …}
        const item = JSON.parse(m.data) as {
          runId?: string;
          scheduleId?: string | null;
          type?: string;
          data?: { status?: string };
        };
        const event: FeedEvent =
          m.event === 'run'
            ? { kind: 'run', runId: item.runId, scheduleId: item.scheduleId ?? null }
            : { kind: 'decision', scheduleId: item.scheduleId ?? null };
        // A run that ended shows it at once; the lists are fetched again (once per burst) for the rest.
        if (item.type === 'run_completed' && item.runId && item.data?.status)
          settleInCache(queries, item.runId, item.data.status);
        refresh(queries, event);
        for (const l of listeners) l(event);
      },
    });
    return () => stop.abort();
  }, [enabled, queries]);
  return connected;
}
