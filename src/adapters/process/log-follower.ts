/**
 * Follows an attempt's log file while goose writes it directly (through the keeper): hands new
 * output to live followers, finds Goose's session id, and keeps the file within its cap. goose's
 * output never passes through goose-flow, so nothing is lost when goose-flow dies; the cap is kept
 * by whichever goose-flow process follows the attempt (past it, the file is cut back to the cap
 * and one marker line, so further output is dropped as before).
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, watch, writeSync } from 'node:fs';
import type { FSWatcher } from 'node:fs';

const SESSION_ID = /session id:\s*([^\s]+)/i;
/** Goose prints its header first; do not scan a whole 2-hour log for it. */
const SESSION_SCAN_LIMIT = 256 * 1024;
/** A safety net under the file watch (network file systems send no events). */
const POLL_MS = 1_000;
const CHUNK = 64 * 1024;

export interface FollowerHooks {
  onOutput?(chunk: Buffer): void;
  onSessionId?(id: string): void;
  onCapped?(capBytes: number): void;
}

export function capMarker(capBytes: number): string {
  return `\n[goose-flow] log capped at ${capBytes} bytes; further output dropped\n`;
}

export class LogFollower {
  private fd: number | null = null;
  private offset: number;
  private capped = false;
  private scanned = 0;
  private pending = '';
  private sessionFound = false;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private queued = false;

  constructor(
    private readonly path: string,
    private readonly capBytes: number,
    private readonly hooks: FollowerHooks,
    /** Where to start: 0 for a new attempt; an adopter starts at 0 too, to find the session id. */
    from = 0,
  ) {
    this.offset = from;
    try {
      this.fd = openSync(path, 'r+');
      this.watcher = watch(path, { persistent: false }, () => this.soon());
      this.watcher.on('error', () => undefined);
    } catch {
      /* no file (yet): polled */
    }
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  /** goose's output kept in the file (at most the cap). */
  get bytes(): number {
    return Math.min(this.offset, this.capBytes);
  }

  get truncated(): boolean {
    return this.capped;
  }

  /** Reads what goose wrote since the last look. */
  poll(): void {
    this.queued = false;
    if (this.fd === null) {
      try {
        this.fd = openSync(this.path, 'r+');
      } catch {
        return;
      }
    }
    const size = fstatSync(this.fd).size;
    if (this.capped) {
      const keep = this.capBytes + Buffer.byteLength(capMarker(this.capBytes));
      if (size > keep) ftruncateSync(this.fd, keep);
      return;
    }
    while (this.offset < size) {
      const want = Math.min(CHUNK, size - this.offset, this.capBytes - this.offset);
      if (want <= 0) break;
      const chunk = Buffer.allocUnsafe(want);
      const got = readSync(this.fd, chunk, 0, want, this.offset);
      if (got <= 0) break;
      const part = chunk.subarray(0, got);
      this.offset += got;
      this.scanForSession(part);
      this.hooks.onOutput?.(part);
    }
    if (size > this.capBytes) this.cap();
  }

  /** A last look, then let go of the file. */
  close(): void {
    this.poll();
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private soon(): void {
    if (this.queued) return;
    this.queued = true;
    setImmediate(() => this.poll());
  }

  private cap(): void {
    const marker = Buffer.from(capMarker(this.capBytes));
    ftruncateSync(this.fd!, this.capBytes);
    writeSync(this.fd!, marker, 0, marker.length, this.capBytes);
    ftruncateSync(this.fd!, this.capBytes + marker.length);
    this.offset = this.capBytes;
    this.capped = true;
    this.hooks.onCapped?.(this.capBytes);
  }

  private scanForSession(chunk: Buffer): void {
    if (this.sessionFound || this.scanned > SESSION_SCAN_LIMIT || !this.hooks.onSessionId) return;
    this.scanned += chunk.length;
    const text = this.pending + chunk.toString('utf8');
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = SESSION_ID.exec(line);
      if (match?.[1]) {
        this.sessionFound = true;
        this.hooks.onSessionId(match[1]);
        return;
      }
    }
  }
}

/** Appends one goose-flow line to an attempt's log. */
export function appendNote(path: string, line: string): void {
  try {
    const fd = openSync(path, 'a', 0o600);
    try {
      writeSync(fd, `[goose-flow] ${line}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* the log is gone: nothing to note in */
  }
}
