/**
 * The live event feed: run events (state changes, attempts, kills…) and schedule decisions, in
 * order, with a cursor a client can resume from (SSE `Last-Event-ID`). Part of the engine contract:
 * each engine implements `EventFeed` (embedded/feed.ts, temporal/feed.ts).
 */
import type { RunEvent } from '../domain/run.js';
import type { OccurrenceRecord } from './ports.js';

export type FeedItem =
  | {
      readonly kind: 'run';
      readonly cursor: string;
      readonly event: RunEvent;
      /** The schedule the run belongs to (null: an ad-hoc run). */
      readonly scheduleId: string | null;
    }
  | {
      readonly kind: 'decision';
      readonly cursor: string;
      readonly decision: OccurrenceRecord;
    };

export interface EventFeed {
  /** Where the feed is now: a client that starts here sees only what happens next. */
  head(): Promise<string>;
  /** A cursor before at least the newest `count` items (there may be more after it). */
  recent(count: number): Promise<string>;
  /** Items after `cursor`, oldest first, and the cursor after the last of them. */
  since(cursor: string, limit: number): Promise<{ items: FeedItem[]; cursor: string }>;
  /** True when `since` answers resumes exactly (embedded); false for a best-effort feed. */
  readonly exact: boolean;
  /** Tells `listener` when this process wrote something new (so a poller need not wait its turn). */
  onChange?(listener: () => void): void;
}

/** When an item happened (ms). */
export function feedItemTime(item: FeedItem): number {
  return item.kind === 'run' ? item.event.at : item.decision.decidedAt;
}

/** Whether a feed item is about this run and/or this schedule (no filter: everything). */
export function feedItemMatches(
  item: FeedItem,
  filter: { runId?: string | null | undefined; scheduleId?: string | null | undefined },
): boolean {
  if (item.kind === 'run')
    return (
      (!filter.runId || item.event.runId === filter.runId) &&
      (!filter.scheduleId || item.scheduleId === filter.scheduleId)
    );
  return !filter.runId && (!filter.scheduleId || item.decision.scheduleId === filter.scheduleId);
}

/** `<seq>.<row>`, or `0` for the very start; anything else is refused (the caller maps it to a 400). */
export function parseCursor(cursor: string): [number, number] {
  if (cursor === '0') return [0, 0];
  const m = /^(\d+)\.(\d+)$/.exec(cursor);
  if (!m) throw new Error(`not a feed cursor: '${cursor}'`);
  return [Number(m[1]), Number(m[2])];
}
