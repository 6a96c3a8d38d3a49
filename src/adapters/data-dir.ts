import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  readdirSync,
  rmdirSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EnvironmentError } from '../domain/errors.js';

/** Where goose-flow keeps its state: `$GOOSE_FLOW_HOME`, else the platform's data directory. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOOSE_FLOW_HOME) return resolve(env.GOOSE_FLOW_HOME);
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'goose-flow');
  if (platform() === 'darwin')
    return join(homedir(), 'Library', 'Application Support', 'goose-flow');
  return join(homedir(), '.local', 'share', 'goose-flow');
}

export interface DataDirLayout {
  readonly root: string;
  readonly database: string;
  readonly recipes: string;
  readonly logs: string;
  readonly work: string;
  readonly config: string;
}

export function layout(root: string): DataDirLayout {
  return {
    root,
    database: join(root, 'goose-flow.db'),
    recipes: join(root, 'recipes'),
    logs: join(root, 'logs'),
    work: join(root, 'work'),
    config: join(root, 'config.yaml'),
  };
}

/** Creates the data dir's folders, or explains why it cannot. */
export function prepareDataDir(root: string): DataDirLayout {
  const dirs = layout(root);
  try {
    for (const dir of [dirs.root, dirs.recipes, dirs.logs, dirs.work]) {
      ensureDir(dir);
      // Owner-only (0700), also when an older goose-flow made it under umask 022.
      secure(dir, 0o700);
    }
    secureFile(dirs.config);
    accessSync(dirs.root, constants.W_OK);
  } catch (cause) {
    throw new EnvironmentError(
      'data_dir_unwritable',
      `the data dir ${root} cannot be used (${(cause as Error).message}); ` +
        'fix its permissions or point GOOSE_FLOW_HOME (or --data-dir) at a writable folder',
      { dataDir: root },
      cause,
    );
  }
  return dirs;
}

/**
 * mkdir -p, one level at a time. Node's own recursive mkdir never returns under /proc (it retries
 * the ENOENT that /proc answers for a new entry forever): here each missing level is created once,
 * and the first refusal is the error.
 */
export function ensureDir(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      if (!statSync(dir).isDirectory()) {
        throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.push(dir);
      if (dirname(dir) === dir) break;
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Owner-only (0600) if the file exists and is ours; nothing otherwise. */
export function secureFile(path: string): void {
  secure(path, 0o600);
}

function secure(path: string, mode: number): void {
  try {
    if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
  } catch {
    // Absent, or not ours to change: reading and writing it will say what is wrong.
  }
}

/**
 * Makes what an older goose-flow wrote under umask 022 owner-only: every folder 0700 and file
 * 0600 under `recipes/` and `logs/`. The daemon does this once at start; the data dir itself is
 * 0700 already, so nothing in it was reachable by others meanwhile.
 */
export function secureTree(root: string): number {
  let changed = 0;
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const want = e.isDirectory() ? 0o700 : 0o600;
      try {
        if (e.isSymbolicLink()) continue;
        if ((statSync(path).mode & 0o777) !== want) {
          chmodSync(path, want);
          changed++;
        }
      } catch {
        // gone meanwhile
      }
      if (e.isDirectory()) walk(path);
    }
  };
  walk(root);
  return changed;
}

export function attemptLogPath(logsDir: string, runId: string, attempt: number): string {
  return join(logsDir, encodeRunDir(runId), `${attempt}.log`);
}

/**
 * A run's log folder: its id with every byte outside `A-Za-z0-9._@-` written `%XX` (ISO times have
 * ':', schedule ids are free text), so two ids never share a folder; an encoding too long for a
 * file name keeps its first 150 characters and a hash of the id.
 */
export function encodeRunDir(runId: string): string {
  let out = '';
  for (const ch of runId) {
    if (/^[A-Za-z0-9._@-]$/.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out === '.' || out === '..') out = out.replace(/\./g, '%2E');
  if (out.length <= 180) return out;
  return `${out.slice(0, 150)}~${createHash('sha256').update(runId).digest('hex').slice(0, 24)}`;
}

/** Deletes attempt logs and the run folders they leave empty; returns how many files went. */
export function removeLogFiles(paths: readonly string[]): number {
  let removed = 0;
  for (const path of paths) {
    try {
      unlinkSync(path);
      removed++;
    } catch {
      // Already gone (or never written): nothing to delete.
    }
    try {
      rmdirSync(dirname(path));
    } catch {
      // Not empty yet (other attempts), or gone.
    }
  }
  return removed;
}

/** Deletes attempt logs last written before `cutoff` (a Temporal worker host's log retention). */
export function pruneLogs(logsDir: string, cutoff: number): number {
  let removed = 0;
  let runDirs: string[];
  try {
    runDirs = readdirSync(logsDir);
  } catch {
    return 0;
  }
  for (const dir of runDirs) {
    const runDir = join(logsDir, dir);
    try {
      const files = readdirSync(runDir);
      const old = files.filter((f) => statSync(join(runDir, f)).mtimeMs < cutoff);
      removed += removeLogFiles(old.map((f) => join(runDir, f)));
    } catch {
      // Another process removed it meanwhile.
    }
  }
  return removed;
}
