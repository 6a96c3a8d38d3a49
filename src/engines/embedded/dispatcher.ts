import type { Attempt, Run } from '../../domain/run.js';

/**
 * Starts runs the scheduler created, never more than `limit` at once; the rest wait in
 * `pending` (durably: a restarted daemon picks them up) in the order they were submitted.
 */
export class Dispatcher {
  private readonly queue: { runId: string; adopt?: Attempt }[] = [];
  private readonly active = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly drive: (runId: string, adopt?: Attempt) => Promise<Run>,
    private readonly limit: number,
    private readonly onSettled: (run: Run) => void,
    private readonly onError: (runId: string, err: unknown) => void,
  ) {}

  get running(): number {
    return this.active.size;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Starts nothing more: the daemon is shutting down. Queued runs stay `pending` in the store and
   * the next daemon starts them; runs already started are the caller's to stop or leave.
   */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  /** Queues a run; a re-adopted one (its process already runs) is watched at once, over the limit if need be. */
  submit(runId: string, adopt?: Attempt): void {
    if (this.stopped) return;
    if (this.active.has(runId) || this.queue.some((q) => q.runId === runId)) return;
    if (adopt) return this.launch(runId, adopt);
    this.queue.push({ runId });
    this.pump();
  }

  /** Resolves when every run started so far has settled. */
  async drain(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  private pump(): void {
    while (!this.stopped && this.active.size < this.limit && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.launch(next.runId, next.adopt);
    }
  }

  private launch(runId: string, adopt?: Attempt): void {
    const done = this.drive(runId, adopt)
      .then((run) => this.onSettled(run))
      .catch((err: unknown) => this.onError(runId, err));
    this.active.set(
      runId,
      done.finally(() => {
        this.active.delete(runId);
        this.pump();
      }),
    );
  }
}
