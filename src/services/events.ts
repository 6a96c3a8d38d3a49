/**
 * Run events and schedule decisions as they happen, for the faces that stream them (SSE, `goose-flow
 * events`), and the version of the state that lets a face cache whole listings.
 */
import type { EventFeed, FeedItem } from '../engines/feed.js';

export type { FeedItem } from '../engines/feed.js';
export { feedItemMatches, feedItemTime, parseCursor } from '../engines/feed.js';

export class EventService implements EventFeed {
  constructor(
    private readonly feed: EventFeed,
    private readonly version: () => string | null,
  ) {}

  /** True when a resume from a cursor is exact (embedded); false for a best-effort feed (Temporal). */
  get exact(): boolean {
    return this.feed.exact;
  }

  head(): Promise<string> {
    return this.feed.head();
  }

  recent(count: number): Promise<string> {
    return this.feed.recent(count);
  }

  since(cursor: string, limit: number): Promise<{ items: FeedItem[]; cursor: string }> {
    return this.feed.since(cursor, limit);
  }

  onChange(listener: () => void): void {
    this.feed.onChange?.(listener);
  }

  /**
   * Changes whenever a schedule, run or decision does (embedded: three counters, one read each);
   * null when the engine has no such thing (Temporal).
   */
  stateVersion(): string | null {
    return this.version();
  }
}
