import { isTerminal } from '../domain/run-status.js';
import { EventType } from '../domain/run.js';
import type { FeedItem } from '../engines/feed.js';
import type { LogService } from './logs.js';
import type { RunService } from './runs.js';

export interface TailedLine {
  readonly runId: string;
  readonly attempt: number;
  readonly offset: number;
  readonly data: string;
}

/**
 * The log lines of the runs a live event stream covers (`/events?logs=true`, `events --logs`):
 * runs that run when it starts (from their current end: live only) and runs it hears of (from the
 * start), until each has ended and its logs are read to the end.
 */
export class LogTail {
  private readonly tailed = new Map<string, Map<number, number>>();

  constructor(
    private readonly runs: RunService,
    private readonly logs: LogService,
    readonly pollMs: number,
    private readonly filter: { runId?: string | undefined; scheduleId?: string | undefined },
  ) {}

  get size(): number {
    return this.tailed.size;
  }

  async seed(): Promise<void> {
    const active = this.filter.runId
      ? [await this.runs.get(this.filter.runId)].filter((r) => r !== undefined)
      : (
          await Promise.all(
            (['running', 'retrying'] as const).map((status) =>
              this.runs.list({ status, scheduleId: this.filter.scheduleId, limit: 200 }),
            ),
          )
        ).flat();
    for (const run of active) {
      if (isTerminal(run.status)) continue;
      const detail = await this.runs.show(run.id).catch(() => null);
      if (!detail) continue;
      const offsets = new Map<number, number>();
      for (const a of detail.attempts)
        offsets.set(a.number, this.logs.rangeOf(detail, a, { limit: 1 }).size);
      this.tailed.set(run.id, offsets);
    }
  }

  /** A feed item the stream passes on: a run created or attempted is followed from its start; a
   * completion alone (a replay of an old run) brings no log. */
  hear(item: FeedItem): void {
    if (item.kind !== 'run' || item.event.type === EventType.completed) return;
    if (!this.tailed.has(item.event.runId)) this.tailed.set(item.event.runId, new Map());
  }

  async poll(): Promise<TailedLine[]> {
    const lines: TailedLine[] = [];
    for (const [runId, offsets] of this.tailed) {
      const detail = await this.runs.show(runId).catch(() => null);
      if (!detail) {
        this.tailed.delete(runId);
        continue;
      }
      for (const attempt of detail.attempts) {
        for (const range of this.logs.chunksFrom(
          detail,
          attempt,
          offsets.get(attempt.number) ?? 0,
        )) {
          lines.push({
            runId,
            attempt: attempt.number,
            offset: range.offset,
            data: range.data.toString('utf8'),
          });
          offsets.set(attempt.number, range.nextOffset);
        }
      }
      // Read to its end above: an ended run has nothing more to say.
      if (isTerminal(detail.run.status)) this.tailed.delete(runId);
    }
    return lines;
  }
}
