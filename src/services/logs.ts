import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Attempt } from '../domain/run.js';
import { isTerminal } from '../domain/run-status.js';
import { NotFoundError } from '../domain/errors.js';
import type { Clock } from '../engines/ports.js';
import type { RunDetail, RunService } from './runs.js';

export interface LogChunk {
  readonly attempt: number;
  readonly data: Buffer;
}

/** A byte range of one attempt's log. */
export interface LogRange {
  readonly attempt: number;
  readonly offset: number;
  /** Where the next range starts. */
  readonly nextOffset: number;
  /** The log's size now. */
  readonly size: number;
  readonly data: Buffer;
  /** The attempt has ended and `nextOffset` is the end of its log. */
  readonly complete: boolean;
}

/** The largest range one call returns. */
export const MAX_LOG_RANGE = 1024 * 1024;
const DEFAULT_LOG_RANGE = 256 * 1024;

const FOLLOW_POLL_MS = { embedded: 100, temporal: 500 } as const;
const READ_CHUNK = 64 * 1024;

/** Reads attempt logs from the data dir, whole or followed live. */
export class LogService {
  constructor(
    private readonly runs: RunService,
    private readonly clock: Clock,
    private readonly engine: 'embedded' | 'temporal' = 'embedded',
  ) {}

  async attemptsWithLogs(runId: string, attempt?: number): Promise<Attempt[]> {
    return this.select(await this.runs.show(runId), runId, attempt);
  }

  private select(detail: RunDetail, runId: string, attempt: number | undefined): Attempt[] {
    const { attempts } = detail;
    if (attempt === undefined) return [...attempts];
    const one = attempts.find((a) => a.number === attempt);
    if (!one)
      throw new NotFoundError('attempt', `${runId} attempt ${attempt} (it has ${attempts.length})`);
    return [one];
  }

  /**
   * Bytes `offset`… (at most `limit`, ≤ 1 MiB) of one attempt's log (default: the last attempt).
   * The path comes from the run's record, never from the caller: nothing else can be read.
   */
  async range(
    runId: string,
    opts: { attempt?: number | undefined; offset?: number; limit?: number },
  ): Promise<LogRange> {
    const detail = await this.runs.show(runId);
    const attempt =
      opts.attempt === undefined
        ? detail.attempts.at(-1)
        : this.select(detail, runId, opts.attempt)[0];
    if (!attempt) throw new NotFoundError('attempt', `${runId} attempt 1 (it has none yet)`);
    return this.rangeOf(detail, attempt, opts);
  }

  /** `range`, for an attempt of a run already read (a follower that polls reads the run once). */
  rangeOf(
    detail: RunDetail,
    attempt: Attempt,
    opts: { offset?: number; limit?: number },
  ): LogRange {
    const offset = opts.offset ?? 0;
    const limit = Math.min(opts.limit ?? DEFAULT_LOG_RANGE, MAX_LOG_RANGE);
    const size = existsSync(attempt.logPath) ? statSync(attempt.logPath).size : 0;
    let data = Buffer.alloc(0);
    if (offset < size) {
      const fd = openSync(attempt.logPath, 'r');
      try {
        data = Buffer.alloc(Math.min(limit, size - offset));
        data = data.subarray(0, readSync(fd, data, 0, data.length, offset));
      } finally {
        closeSync(fd);
      }
    }
    const nextOffset = offset + data.length;
    const ended = attempt.endedAt !== null || isTerminal(detail.run.status);
    return {
      attempt: attempt.number,
      offset,
      nextOffset,
      size,
      data,
      complete: ended && nextOffset >= size,
    };
  }

  /** An attempt's log from `from` to its current end, in ranges of at most 64 KiB. */
  *chunksFrom(detail: RunDetail, attempt: Attempt, from: number): Generator<LogRange> {
    let offset = from;
    for (;;) {
      const range = this.rangeOf(detail, attempt, { offset, limit: READ_CHUNK });
      if (range.data.length === 0) return;
      yield range;
      offset = range.nextOffset;
    }
  }

  /** Calls `onChunk` with every byte of the selected logs; with `follow`, until the run ends. */
  async stream(
    runId: string,
    opts: { attempt?: number | undefined; follow: boolean; signal?: AbortSignal },
    onChunk: (chunk: LogChunk) => void,
    onAttempt?: (attempt: Attempt) => void,
  ): Promise<void> {
    const offsets = new Map<number, number>();
    const elsewhere = new Set<number>();
    for (;;) {
      const detail = await this.runs.show(runId);
      const settled = isTerminal(detail.run.status);
      for (const attempt of this.select(detail, runId, opts.attempt)) {
        if (!offsets.has(attempt.number)) {
          offsets.set(attempt.number, 0);
          onAttempt?.(attempt);
        }
        for (const range of this.chunksFrom(detail, attempt, offsets.get(attempt.number) ?? 0)) {
          onChunk({ attempt: attempt.number, data: range.data });
          offsets.set(attempt.number, range.nextOffset);
        }
        // A Temporal worker on another host keeps the log on its disk: say where, show the tail.
        if (!existsSync(attempt.logPath) && !elsewhere.has(attempt.number)) {
          const live = detail.live?.attempt === attempt.number ? detail.live : null;
          if (live?.tail || settled) {
            elsewhere.add(attempt.number);
            const where = live?.host ? `host ${live.host}` : 'the worker host';
            const note = `(the log of attempt ${attempt.number} is on ${where} at ${attempt.logPath}${live?.tail ? '; its last output:' : ''})\n`;
            onChunk({ attempt: attempt.number, data: Buffer.from(note + (live?.tail ?? '')) });
          }
        }
      }
      if (!opts.follow || settled || opts.signal?.aborted) return;
      await this.clock.sleep(FOLLOW_POLL_MS[this.engine], opts.signal);
    }
  }

  /**
   * A pipeline run's log: each step's run's log in the pipeline's order, one after another; with
   * `follow`, steps are taken as they start until the pipeline ends (a step running beside
   * another is printed once the one before it has ended). A step that is a pipeline has no log of
   * its own: its steps' logs come in its place, keyed `<step>:<inner step>`.
   */
  async streamPipeline(
    runId: string,
    opts: { follow: boolean; signal?: AbortSignal },
    onChunk: (chunk: LogChunk) => void,
    onStep: (key: string, stepRunId: string) => void,
    prefix = '',
  ): Promise<void> {
    const done = new Set<string>();
    for (;;) {
      const detail = await this.runs.show(runId);
      const instances = (detail.pipeline?.steps ?? []).flatMap((s) => s.instances);
      const kinds = new Map(detail.stepRuns.map((r) => [r.id, r.kind]));
      for (const i of instances) {
        if (!i.runId || done.has(i.runId) || opts.signal?.aborted) continue;
        if (kinds.get(i.runId) === 'pipeline')
          await this.streamPipeline(i.runId, opts, onChunk, onStep, `${prefix}${i.key}:`);
        else {
          onStep(prefix + i.key, i.runId);
          await this.stream(i.runId, { follow: opts.follow, signal: opts.signal }, onChunk);
        }
        done.add(i.runId);
      }
      if (!opts.follow || isTerminal(detail.run.status) || opts.signal?.aborted) return;
      await this.clock.sleep(FOLLOW_POLL_MS[this.engine], opts.signal).catch(() => undefined);
    }
  }
}
