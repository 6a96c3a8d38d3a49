import { isTerminal } from '../domain/run-status.js';
import type { LogService } from './logs.js';
import type { RunService } from './runs.js';

const CHUNK = 64 * 1024;

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

  follow(runId: string): void {
    if (!this.tailed.has(runId)) this.tailed.set(runId, new Map());
  }

  async poll(): Promise<TailedLine[]> {
    const lines: TailedLine[] = [];
    for (const [runId, offsets] of this.tailed) {
      const detail = await this.runs.show(runId).catch(() => null);
      if (!detail) {
        this.tailed.delete(runId);
        continue;
      }
      let drained = true;
      for (const attempt of detail.attempts) {
        let offset = offsets.get(attempt.number) ?? 0;
        for (;;) {
          const range = this.logs.rangeOf(detail, attempt, { offset, limit: CHUNK });
          if (range.data.length === 0) break;
          lines.push({
            runId,
            attempt: attempt.number,
            offset: range.offset,
            data: range.data.toString('utf8'),
          });
          offset = range.nextOffset;
          if (range.nextOffset < range.size) drained = false;
          if (lines.length >= 64) break;
        }
        offsets.set(attempt.number, offset);
      }
      if (isTerminal(detail.run.status) && drained) this.tailed.delete(runId);
    }
    return lines;
  }
}
