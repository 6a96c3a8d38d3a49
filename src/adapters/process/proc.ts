import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessIdentity } from '../../domain/run.js';

/**
 * The kernel's start time of a process (field 22 of /proc/<pid>/stat, clock ticks since boot).
 * Together with the pid it identifies a process for good: a reused pid has another start time.
 * Returns null where /proc does not exist (then only the pid is compared).
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

export function identify(pid: number): ProcessIdentity {
  return { pid, startTime: processStartTime(pid) };
}

/** True while the identified process exists (zombies count as gone) and is the same process. */
export function isAlive(identity: ProcessIdentity): boolean {
  try {
    process.kill(identity.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (processState(identity.pid) === 'Z') return false;
  if (identity.startTime === null) return true;
  return processStartTime(identity.pid) === identity.startTime;
}

/**
 * True while a live (non-zombie) process of the group exists. Zombies are ignored because a
 * container's pid 1 may never reap re-parented grandchildren, and a zombie holds nothing.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  return entries.some((name) => /^\d+$/.test(name) && isLiveMember(Number(name), pgid));
}

function isLiveMember(pid: number, pgid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[2] === String(pgid) && fields[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Sends a signal to a whole process group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export const self: ProcessIdentity = identify(process.pid);
