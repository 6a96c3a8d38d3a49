/**
 * One event stream per tab (`/api/v1/events`): every run event or schedule decision invalidates
 * the queries it changes, so every open page updates without a reload.
 */
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { followSse } from './api/sse';

export interface FeedEvent {
  readonly kind: 'run' | 'decision';
  readonly runId?: string;
  readonly scheduleId?: string | null;
}

type Listener = (event: FeedEvent) => void;
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
        // `event: run` {runId, scheduleId, type, …}; `event: decision` {scheduleId, decision, …}
        const item = JSON.parse(m.data) as { runId?: string; scheduleId?: string | null };
        const event: FeedEvent =
          m.event === 'run'
            ? { kind: 'run', runId: item.runId, scheduleId: item.scheduleId ?? null }
            : { kind: 'decision', scheduleId: item.scheduleId ?? null };
        void queries.invalidateQueries({ queryKey: ['runs'] });
        void queries.invalidateQueries({ queryKey: ['status'] });
        void queries.invalidateQueries({ queryKey: ['schedules'] });
        if (event.runId) void queries.invalidateQueries({ queryKey: ['run', event.runId] });
        if (event.scheduleId)
          void queries.invalidateQueries({ queryKey: ['schedule', event.scheduleId] });
        for (const l of listeners) l(event);
      },
    });
    return () => stop.abort();
  }, [enabled, queries]);
  return connected;
}
