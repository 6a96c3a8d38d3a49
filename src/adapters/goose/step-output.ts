/**
 * A pipeline step's output, read from the log of its last attempt (goose's stdout + stderr).
 *
 * Goose has no output channel of its own: with `response.json_schema` the agent calls the
 * `recipe__final_output` tool and goose prints the result as one compact JSON line, the last line
 * of stdout (block/goose final_output_tool.rs, PR #3188); without one, the final assistant text is
 * whatever follows the last tool call, with no delimiter. Both are recovered here from the log.
 *
 * Text mode is best effort: when goose displays the last tool's result (a shell command's output,
 * say), that result comes after the call's arguments and is read as the start of the final text.
 * Nothing in the log tells the two apart; a recipe whose output matters should declare a schema.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_OUTPUT_BYTES } from '../../domain/pipeline/model.js';

export type OutputKind = 'json' | 'text';
export type ExtractedOutput = { ok: true; value: unknown } | { ok: false; reason: string };

/** How much of a log is looked at: the output is at its end, and logs can be large. */
export const MAX_LOG_TAIL_BYTES = 1024 * 1024;
/** Goose prints the JSON last; noise after it (stderr, our own lines) is short. */
const JSON_SCAN_LINES = 200;

// CSI sequences (colours, cursor moves, erase), OSC sequences (titles), other two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?/g;
const TURN_LIMIT = "I've reached the maximum number of actions";
/** A tool call as goose displays it: `▸ tool extension` (newer), `─── tool | extension ───` (older). */
const TOOL_CALL = /^\s*(?:▸ |─── )/;
/** Older builds: `starting session | …`, `session id: …`, `working directory: …`, `logging to …`. */
const SESSION_HEADER = /^\s*(?:starting session \||session id:|working directory:|logging to )/;
/** Newer builds: `● new session · provider model`, then `<session id> · <working directory>`. */
const SESSION_STATUS = /^\s*● (?:new session|resuming|ephemeral)\b/;
const SESSION_ID_AND_DIR = /^\s+\S+ · \S/;

export function extractOutput(log: string, kind: OutputKind): ExtractedOutput {
  const lines = plainLines(tailOf(log));
  return kind === 'json' ? jsonOutput(lines) : textOutput(lines);
}

/**
 * The last `maxBytes` of a file, without reading the rest. A tail that starts mid-file starts at
 * the next line, so it never begins with half a line or half a UTF-8 character.
 */
export function readLogTail(path: string, maxBytes = MAX_LOG_TAIL_BYTES): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    let read = 0;
    while (read < buffer.length) {
      const got = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (got === 0) break;
      read += got;
    }
    return decodeTail(buffer.subarray(0, read), start > 0);
  } finally {
    closeSync(fd);
  }
}

function decodeTail(bytes: Buffer, midFile: boolean): string {
  if (!midFile) return bytes.toString('utf8');
  const newline = bytes.indexOf(0x0a);
  if (newline >= 0) return bytes.subarray(newline + 1).toString('utf8');
  // One line longer than the tail: keep it, minus the continuation bytes of a cut character.
  let from = 0;
  while (from < bytes.length && (bytes[from]! & 0xc0) === 0x80) from++;
  return bytes.subarray(from).toString('utf8');
}

function tailOf(log: string): string {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: a string this short cannot be over the bound.
  if (log.length * 3 <= MAX_LOG_TAIL_BYTES) return log;
  const bytes = Buffer.from(log, 'utf8');
  if (bytes.length <= MAX_LOG_TAIL_BYTES) return log;
  return decodeTail(bytes.subarray(bytes.length - MAX_LOG_TAIL_BYTES), true);
}

function plainLines(log: string): string[] {
  return log.replace(ESCAPE, '').replace(/\r/g, '').split('\n');
}

function jsonOutput(lines: readonly string[]): ExtractedOutput {
  let seen = 0;
  for (let i = lines.length - 1; i >= 0 && seen < JSON_SCAN_LINES; i--) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    seen++;
    // Goose stopped at its turn limit after this point: what comes before is not its final output.
    if (line.includes(TURN_LIMIT)) break;
    if (!line.startsWith('{') && !line.startsWith('[')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    return bounded(line, value);
  }
  let reason =
    'goose printed no structured output (no JSON line at the end of its output); ' +
    'the recipe declares response.json_schema';
  if (lines.some((l) => l.includes(TURN_LIMIT)))
    reason += `; goose stopped at its turn limit ("${TURN_LIMIT}…") before giving its final output`;
  return { ok: false, reason };
}

function textOutput(lines: readonly string[]): ExtractedOutput {
  let lastCall = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (TOOL_CALL.test(lines[i]!)) {
      lastCall = i;
      break;
    }
  }
  let from: number;
  if (lastCall >= 0) {
    // The call's argument lines run to the first blank line after it.
    from = lastCall + 1;
    while (from < lines.length && lines[from]!.trim() !== '') from++;
  } else {
    from = afterSessionHeader(lines);
  }
  let to = lines.length;
  while (to > from && lines[to - 1]!.trim() === '') to--;
  while (from < to && lines[from]!.trim() === '') from++;
  const text = lines.slice(from, to).join('\n');
  return bounded(text, text);
}

function afterSessionHeader(lines: readonly string[]): number {
  let from = 0;
  let afterStatus = false;
  for (; from < lines.length; from++) {
    const line = lines[from]!;
    if (line.trim() === '' || SESSION_HEADER.test(line)) continue;
    if (SESSION_STATUS.test(line)) afterStatus = true;
    else if (afterStatus && SESSION_ID_AND_DIR.test(line)) afterStatus = false;
    else break;
  }
  return from;
}

function bounded(serialised: string, value: unknown): ExtractedOutput {
  const bytes = Buffer.byteLength(serialised, 'utf8');
  if (bytes <= MAX_OUTPUT_BYTES) return { ok: true, value };
  return {
    ok: false,
    reason:
      `the step's output is larger than ${MAX_OUTPUT_BYTES / 1024} KiB (${bytes} bytes); ` +
      'a step hands over at most that much — write larger results to a file and pass its path',
  };
}

/** A step attempt's output from its log file; a capped log hands over nothing (its end is gone). */
export function outputFromLog(
  logPath: string | null,
  truncated: boolean,
  kind: OutputKind,
): ExtractedOutput {
  if (!logPath) return { ok: false, reason: 'the step left no log to read its output from' };
  if (truncated)
    return {
      ok: false,
      reason: "the step's log was capped, so its final output was not kept; raise the log cap",
    };
  try {
    return extractOutput(readLogTail(logPath), kind);
  } catch (err) {
    return { ok: false, reason: `cannot read the step's log: ${(err as Error).message}` };
  }
}
