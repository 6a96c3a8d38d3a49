import { closeSync, open, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { dirname } from 'node:path';

const SESSION_ID = /session id:\s*([^\s]+)/i;
/** Goose prints its header first; do not scan a whole 2-hour log for it. */
const SESSION_SCAN_LIMIT = 256 * 1024;

/**
 * Writes an attempt's output to its log file up to a cap. Past the cap, output is dropped and one
 * marker line says so — the cap is reported in the log and to the caller, never silent.
 */
export class LogSink {
  /** Resolves once the file is open (or could not be opened: see `error`). */
  readonly ready: Promise<void>;
  private fd: number | null = null;
  /** Output that arrived before the file was open. */
  private queued: Buffer[] = [];
  private failed: Error | null = null;
  private written = 0;
  private capped = false;
  private scanned = 0;
  private pending = '';
  private sessionFound = false;

  constructor(
    path: string,
    private readonly capBytes: number,
    private readonly onSessionId: (id: string) => void,
    private readonly onCapped: (capBytes: number) => void,
  ) {
    // Creating the folder and the file costs milliseconds on some disks: do it on the thread
    // pool while the process is being spawned, and queue what arrives meanwhile.
    // Owner-only: an agent's output may hold whatever it read.
    this.ready = mkdir(dirname(path), { recursive: true, mode: 0o700 })
      // A plain fd, not a FileHandle: writes stay synchronous and ordered.
      .then(() => promisify(open)(path, 'a', 0o600))
      .then((fd) => {
        this.fd = fd;
        for (const part of this.queued) writeSync(fd, part);
        this.queued = [];
      })
      .catch((err: Error) => {
        this.failed = err;
        this.queued = [];
      });
  }

  get bytes(): number {
    return this.written;
  }

  get truncated(): boolean {
    return this.capped;
  }

  /** Why the log file could not be written, if it could not. */
  get error(): Error | null {
    return this.failed;
  }

  write(chunk: Buffer): void {
    this.scanForSession(chunk);
    if (this.capped) return;
    const room = this.capBytes - this.written;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.put(part);
    this.written += part.length;
    if (part.length < chunk.length) {
      this.capped = true;
      this.put(`\n[goose-flow] log capped at ${this.capBytes} bytes; further output dropped\n`);
      this.onCapped(this.capBytes);
    }
  }

  note(line: string): void {
    this.put(`[goose-flow] ${line}\n`);
  }

  /**
   * Closes the file once it is open. Waits only when output is still queued for it: an attempt is
   * settled after its log is complete, but never waits on a file it has nothing to write to.
   */
  async close(): Promise<void> {
    const closeWhenOpen = this.ready.then(() => {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
    });
    if (this.queued.length > 0) await closeWhenOpen;
  }

  private put(data: Buffer | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.fd !== null) writeSync(this.fd, bytes);
    else if (!this.failed) this.queued.push(bytes);
  }

  private scanForSession(chunk: Buffer): void {
    if (this.sessionFound || this.scanned > SESSION_SCAN_LIMIT) return;
    this.scanned += chunk.length;
    const text = this.pending + chunk.toString('utf8');
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = SESSION_ID.exec(line);
      if (match?.[1]) {
        this.sessionFound = true;
        this.onSessionId(match[1]);
        return;
      }
    }
  }
}
