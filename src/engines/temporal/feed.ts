import type { Client } from '@temporalio/client';
import type { RunEvent } from '../../domain/run.js';
import { EventType } from '../../domain/run.js';
import type { EventFeed, FeedItem } from '../feed.js';
import { parseCursor } from '../feed.js';
import { RUN_TYPES_CLAUSE, statusOf, saKeys } from './run-info.js';

/**
 * The Temporal engine's feed, from visibility: runs started or closed after the cursor (a time in
 * ms). Best effort — Temporal keeps no global sequence, so a resume may repeat an item of the same
 * millisecond, and changes inside a running run (attempts, retries) are not in it; the run's own
 * timeline has them.
 */
export class VisibilityFeed implements EventFeed {
  readonly exact = false;

  constructor(
    private readonly client: Client,
    private readonly now: () => number,
  ) {}

  async head(): Promise<string> {
    return `${this.now()}.0`;
  }

  /** Visibility has no global sequence: the last day stands for "recent". */
  async recent(): Promise<string> {
    return `${this.now() - 86_400_000}.0`;
  }

  async since(cursor: string, limit: number): Promise<{ items: FeedItem[]; cursor: string }> {
    const [after] = parseCursor(cursor);
    const at = new Date(after).toISOString();
    const query = `${RUN_TYPES_CLAUSE} AND (StartTime > '${at}' OR CloseTime > '${at}')`;
    const events: RunEvent[] = [];
    const scheduleOf = new Map<string, string | null>();
    for await (const info of this.client.workflow.list({ query, pageSize: limit })) {
      const start = info.startTime.getTime();
      scheduleOf.set(info.workflowId, info.typedSearchAttributes.get(saKeys.scheduleId) ?? null);
      const close = info.closeTime?.getTime() ?? null;
      if (start > after)
        events.push({
          seq: start,
          runId: info.workflowId,
          at: start,
          type: EventType.created,
          attempt: null,
          data: {},
        });
      if (close !== null && close > after) {
        const status = statusOf(info.status.name, info.typedSearchAttributes.get(saKeys.status));
        events.push({
          seq: close,
          runId: info.workflowId,
          at: close,
          type: EventType.completed,
          attempt: null,
          data: { status },
        });
      }
      if (events.length >= limit) break;
    }
    events.sort((a, b) => a.seq - b.seq);
    const last = events.at(-1)?.seq ?? after;
    return {
      items: events.map((event) => ({
        kind: 'run',
        cursor: `${event.seq}.0`,
        event,
        scheduleId: scheduleOf.get(event.runId) ?? null,
      })),
      cursor: `${last}.0`,
    };
  }
}
