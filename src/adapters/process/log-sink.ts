import { closeSync, openSync, writeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const SESSION_ID = /session id:\s*([^\s]+)/i;
/** Goose prints its header first; do not scan a whole 2-hour log for it. */
const SESSION_SCAN_LIMIT = 256 * 1024;

/**
 * Writes an attempt's output to its log file up to a cap. Past the cap, output is dropped and one
 * marker line says so — the cap is reported in the log and to the caller, never silent.
 */
export class LogSink {
  private readonly fd: number;
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
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  get bytes(): number {
    return this.written;
  }

  get truncated(): boolean {
    return this.capped;
  }

  write(chunk: Buffer): void {
    this.scanForSession(chunk);
    if (this.capped) return;
    const room = this.capBytes - this.written;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    writeSync(this.fd, part);
    this.written += part.length;
    if (part.length < chunk.length) {
      this.capped = true;
      writeSync(
        this.fd,
        `\n[goose-flow] log capped at ${this.capBytes} bytes; further output dropped\n`,
      );
      this.onCapped(this.capBytes);
    }
  }

  note(line: string): void {
    writeSync(this.fd, `[goose-flow] ${line}\n`);
  }

  close(): void {
    closeSync(this.fd);
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
