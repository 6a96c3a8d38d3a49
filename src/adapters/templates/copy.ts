/**
 * Writes a template's files into a directory of the user's. Everything is checked before the
 * first byte is written: a file that is there with other content is kept unless `force`, and
 * nothing is ever written through a symbolic link or over a directory.
 */
import { lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConflictError, UsageError } from '../../domain/errors.js';
import type { TemplateFile } from './catalogue.js';

export type CopyStatus = 'created' | 'unchanged' | 'overwritten';

export interface PlannedFile {
  /** Absolute path of the target. */
  readonly path: string;
  readonly content: string;
  readonly status: CopyStatus;
}

/** What copying `files` into `dir` would do; refuses (writing nothing) what it must not do. */
export function planCopy(
  dir: string,
  files: readonly TemplateFile[],
  force: boolean,
): PlannedFile[] {
  // The directory itself may be reached through a link (it is the user's choice); its files not.
  const kind = kindOf(dir, true);
  if (kind !== 'missing' && kind !== 'directory')
    throw new UsageError(
      `${dir} is ${KIND_TEXT[kind]}, not a directory: choose another directory`,
      {
        field: 'dir',
        dir,
      },
    );
  const planned = files.map((f) => plan(dir, f));
  const differing = planned.filter((p) => p.status === 'overwritten').map((p) => p.path);
  if (differing.length > 0 && !force)
    throw new ConflictError(
      'template_files_differ',
      `${differing.length} file(s) already there differ from the template: ${differing.join(', ')} — ` +
        'they are kept; --force (API: force) overwrites them',
      { files: differing, field: 'dir' },
    );
  return planned;
}

/** Writes what `planCopy` planned: missing folders are created, unchanged files left alone. */
export function applyCopy(planned: readonly PlannedFile[]): void {
  for (const p of planned) {
    if (p.status === 'unchanged') continue;
    mkdirSync(path.dirname(p.path), { recursive: true });
    writeFileSync(p.path, p.content);
  }
}

function plan(dir: string, file: TemplateFile): PlannedFile {
  const target = path.join(dir, ...file.path.split('/'));
  // Each folder on the way must be a folder (or not there yet): never a link or a file.
  const parts = file.path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const folder = path.join(dir, ...parts.slice(0, i));
    const kind = kindOf(folder);
    if (kind !== 'missing' && kind !== 'directory') throw refused(folder, kind);
  }
  const kind = kindOf(target);
  if (kind === 'missing') return { path: target, content: file.content, status: 'created' };
  if (kind !== 'file') throw refused(target, kind);
  const wanted = Buffer.from(file.content, 'utf8');
  // Compared only when the sizes match: a larger file is never read whole.
  const same = lstatSync(target).size === wanted.length && readFileSync(target).equals(wanted);
  return { path: target, content: file.content, status: same ? 'unchanged' : 'overwritten' };
}

function refused(file: string, kind: Kind): UsageError {
  return new UsageError(`${file} is ${KIND_TEXT[kind]}: a template's file is not written there`, {
    field: 'dir',
    file,
  });
}

type Kind = 'missing' | 'directory' | 'file' | 'link' | 'other';
const KIND_TEXT: Record<Kind, string> = {
  missing: 'missing',
  directory: 'a directory',
  file: 'a file',
  link: 'a symbolic link',
  other: 'not a regular file',
};

function kindOf(file: string, follow = false): Kind {
  try {
    const stat = follow ? statSync(file) : lstatSync(file);
    if (stat.isSymbolicLink()) return 'link';
    if (stat.isDirectory()) return 'directory';
    return stat.isFile() ? 'file' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}
