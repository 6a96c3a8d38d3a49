/**
 * One poller per server fans the event feed out to every SSE client. A client resuming from a
 * `Last-Event-ID` first catches up on its own, under the same lock as the poller's ticks, so it
 * joins the live stream with nothing missed and nothing twice.
 */
import type { EventService, FeedItem } from '../services/events.js';
import { parseCursor } from '../services/events.js';

interface Subscriber {
  seq: number;
  row: number;
  readonly accept: (item: FeedItem) => boolean;
  readonly send: (item: FeedItem) => void;
  readonly closed: () => void;
}

const BATCH = 500;

export class FeedHub {
  private readonly subscribers = new Set<Subscriber>();
  private cursor: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly feed: EventService,
    private readonly pollMs = 25,
  ) {
    // What this process writes goes out at once; what other processes write, on the next poll.
    feed.onChange?.(() => {
      if (this.timer) void this.tick();
    });
  }

  /** Starts delivering items after `from` (default: from now); returns how to stop. */
  async subscribe(
    from: string | null,
    accept: (item: FeedItem) => boolean,
    send: (item: FeedItem) => void,
    closed: () => void = () => undefined,
  ): Promise<() => void> {
    const start = from ?? (await this.feed.head());
    const [seq, row] = parseCursor(start);
    const sub: Subscriber = { seq, row, accept, send, closed };
    await this.locked(async () => {
      this.cursor ??= await this.feed.head();
      const [hubSeq, hubRow] = parseCursor(this.cursor);
      // Catch up to where the live stream is.
      let at = start;
      while (sub.seq < hubSeq || sub.row < hubRow) {
        const { items, cursor } = await this.feed.since(at, BATCH);
        for (const item of items) this.deliver(sub, item);
        if (items.length === 0 || cursor === at) break;
        at = cursor;
      }
      this.subscribers.add(sub);
    });
    this.timer ??= setInterval(() => void this.tick(), this.pollMs);
    return () => {
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** The server is stopping: every stream ends now. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const sub of this.subscribers) sub.closed();
    this.subscribers.clear();
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.locked(async () => {
        const { items, cursor } = await this.feed.since(
          this.cursor ?? (await this.feed.head()),
          BATCH,
        );
        this.cursor = cursor;
        for (const item of items) for (const sub of this.subscribers) this.deliver(sub, item);
      });
    } catch {
      // A locked store or a slow server costs one tick; the next one catches up.
    } finally {
      this.busy = false;
    }
  }

  private busy = false;

  private deliver(sub: Subscriber, item: FeedItem): void {
    const [seq, row] = parseCursor(item.cursor);
    if (item.kind === 'run' ? seq <= sub.seq : row <= sub.row) return;
    sub.seq = Math.max(sub.seq, seq);
    sub.row = Math.max(sub.row, row);
    if (sub.accept(item)) sub.send(item);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }
}
