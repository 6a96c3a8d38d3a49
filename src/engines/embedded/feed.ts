import type { RunEvent } from '../../domain/run.js';
import type { OccurrenceRecord } from '../ports.js';
import { parseCursor, type EventFeed, type FeedItem } from '../feed.js';

/** Embedded: the events table's global sequence and the decisions' row ids, as `<seq>.<row>`. */
export class StoreFeed implements EventFeed {
  readonly exact = true;

  constructor(
    private readonly runs: {
      eventsSince(seq: number, limit: number): { event: RunEvent; scheduleId: string | null }[];
      lastEventSeq(): number;
      onEvent: (() => void) | null;
    },
    private readonly decisions: {
      decisionsSince(after: number, limit: number): { row: number; record: OccurrenceRecord }[];
      lastDecisionRow(): number;
    },
  ) {}

  async head(): Promise<string> {
    return `${this.runs.lastEventSeq()}.${this.decisions.lastDecisionRow()}`;
  }

  async recent(count: number): Promise<string> {
    const seq = Math.max(0, this.runs.lastEventSeq() - count);
    const row = Math.max(0, this.decisions.lastDecisionRow() - count);
    return `${seq}.${row}`;
  }

  onChange(listener: () => void): void {
    this.runs.onEvent = listener;
  }

  async since(cursor: string, limit: number): Promise<{ items: FeedItem[]; cursor: string }> {
    let [seq, row] = parseCursor(cursor);
    const items: FeedItem[] = [];
    for (const { event, scheduleId } of this.runs.eventsSince(seq, limit)) {
      seq = event.seq;
      items.push({ kind: 'run', cursor: `${seq}.${row}`, event, scheduleId });
    }
    for (const d of this.decisions.decisionsSince(row, limit)) {
      row = d.row;
      items.push({ kind: 'decision', cursor: `${seq}.${row}`, decision: d.record });
    }
    return { items, cursor: `${seq}.${row}` };
  }
}
