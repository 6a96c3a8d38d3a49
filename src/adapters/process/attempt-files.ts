/**
 * The files an attempt's keeper writes next to its log (`<n>.log`): `<n>.pid` (goose's pid, once
 * started), `<n>.exit` (how goose ended: a wait status, or `failed <code>` when it could not be
 * started) and `<n>.timeout` (the keeper stopped it at its deadline while no goose-flow was alive).
 * They are what any later goose-flow process reads to settle an attempt with its real status.
 */
import { readFileSync, existsSync } from 'node:fs';
import { constants } from 'node:os';

export function attemptBase(logPath: string): string {
  return logPath.endsWith('.log') ? logPath.slice(0, -'.log'.length) : logPath;
}

/** How goose ended, from a shell wait status (above 128: killed by signal status - 128). */
export type KeptEnd =
  | { readonly kind: 'exited'; readonly exitCode: number | null; readonly signal: string | null }
  | { readonly kind: 'failed'; readonly code: string };

export function endFromStatus(status: number): KeptEnd {
  if (status > 128 && status < 128 + 65) {
    const number = status - 128;
    const name = Object.entries(constants.signals).find(([, n]) => n === number)?.[0];
    return { kind: 'exited', exitCode: null, signal: name ?? `SIG${number}` };
  }
  return { kind: 'exited', exitCode: status, signal: null };
}

/** The end the keeper recorded, or null while there is none (or it is not complete yet). */
export function readEnd(logPath: string): KeptEnd | null {
  const text = readText(`${attemptBase(logPath)}.exit`);
  if (text === null || !text.endsWith('\n')) return null;
  const line = text.trim();
  if (line.startsWith('failed ')) return { kind: 'failed', code: line.slice('failed '.length) };
  const status = Number(line);
  return Number.isInteger(status) && status >= 0 ? endFromStatus(status) : null;
}

/** goose's pid as the keeper recorded it, or null. */
export function readPid(logPath: string): number | null {
  const text = readText(`${attemptBase(logPath)}.pid`);
  if (text === null || !text.endsWith('\n')) return null;
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 1 ? pid : null;
}

/** The keeper stopped goose at its deadline (no goose-flow process was alive to do it). */
export function timedOutByKeeper(logPath: string): boolean {
  return existsSync(`${attemptBase(logPath)}.timeout`);
}

/** What a `failed <code>` means, in words. */
export function failureText(code: string, command: string, cwd?: string): string {
  switch (code) {
    case 'ENOENT':
      return `could not start ${command}: ENOENT (no such file)`;
    case 'EACCES':
      return `could not start ${command}: EACCES (not an executable file)`;
    case 'ENOCWD':
      return `the working directory ${cwd ?? ''} does not exist or cannot be entered`.replace(
        '  ',
        ' ',
      );
    case 'ELOG':
      return 'could not open the attempt log file for writing';
    default:
      return `could not start ${command}: ${code}`;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
