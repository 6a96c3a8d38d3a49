/**
 * `temporal-server.json` in the data dir: the dev server a `serve --engine temporal` started, for
 * the other commands on the data dir to find (and for the next `serve` to stop, if it was left).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../process/proc.js';

export interface DevServerRecord {
  readonly address: string;
  /** Its web UI's port (absent in records an older goose-flow wrote). */
  readonly uiPort?: number;
  readonly namespace: string;
  readonly pid: number;
  readonly servePid: number;
}

export function devServerFile(dataDir: string): string {
  return join(dataDir, 'temporal-server.json');
}

/** The record as written, whether or not its processes still live. */
export function readDevServerRecord(dataDir: string): DevServerRecord | null {
  try {
    return JSON.parse(readFileSync(devServerFile(dataDir), 'utf8')) as DevServerRecord;
  } catch {
    return null;
  }
}

/** The dev server a living `serve --engine temporal` on this data dir started, if any. */
export function readDevServerFile(dataDir: string): DevServerRecord | null {
  const record = readDevServerRecord(dataDir);
  return record &&
    isAlive({ pid: record.servePid, startTime: null }) &&
    isAlive({ pid: record.pid, startTime: null })
    ? record
    : null;
}
