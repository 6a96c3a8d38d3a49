import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { readRecipeBytes } from './recipe-file.js';

export interface SnapshotInput {
  /** Absolute path of the recipe file. */
  readonly file: string;
  /** The exact recipe text that was validated (for a desktop wrapper: the bare inner recipe). */
  readonly text: string;
  /** Sub-recipe paths as written in the recipe (relative to its folder). */
  readonly subRecipePaths: readonly string[];
}

export interface Snapshot {
  readonly hash: string;
  /** Absolute path of the recipe inside the snapshot folder: what goose runs. */
  readonly entry: string;
  /** Sub-recipes outside the recipe's folder, which the snapshot cannot carry. */
  readonly notCopied: readonly string[];
}

/** `..` or `../x` leaves the folder; `..draft.yaml` is a file in it. */
function leavesFolder(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith('../');
}

/**
 * Stores a recipe, and the sub-recipes it points to inside its folder, under
 * `recipes/<sha256>/` with the same relative layout, so relative `sub_recipes` paths and
 * `recipe_dir` keep working. Content-addressed: the same files give the same folder, written once.
 */
export function writeSnapshot(recipesDir: string, input: SnapshotInput): Snapshot {
  const root = dirname(input.file);
  const files: [string, Buffer][] = [[basename(input.file), Buffer.from(input.text, 'utf8')]];
  const notCopied: string[] = [];
  for (const sub of input.subRecipePaths) {
    const abs = resolve(root, sub);
    const rel = relative(root, abs);
    if (leavesFolder(rel) || rel.startsWith(sep) || !existsSync(abs)) {
      notCopied.push(sub);
      continue;
    }
    files.push([rel, readRecipeBytes(abs)]);
  }
  const hash = hashFiles(files);
  const folder = storeFiles(recipesDir, hash, files);
  return { hash, entry: join(folder, basename(input.file)), notCopied };
}

/**
 * Stores snapshot files another host shipped (a Temporal worker receives them in the workflow
 * input) under the hash of their content; returns the folder. The hash is recomputed, never trusted.
 */
export function storeSnapshotFiles(
  recipesDir: string,
  shipped: readonly { path: string; content: string }[],
): { hash: string; folder: string } {
  const files = shippedFiles(shipped);
  const hash = hashFiles(files);
  return { hash, folder: storeFiles(recipesDir, hash, files) };
}

/** The hash a snapshot of these shipped files is stored under (what `storeSnapshotFiles` names it). */
export function shippedSnapshotHash(shipped: readonly { path: string; content: string }[]): string {
  return hashFiles(shippedFiles(shipped));
}

function shippedFiles(shipped: readonly { path: string; content: string }[]): [string, Buffer][] {
  return shipped.map((f) => {
    const rel = relative('.', f.path);
    if (leavesFolder(rel) || isAbsolute(f.path)) {
      throw new Error(`snapshot file path ${f.path} leaves the snapshot folder`);
    }
    return [rel, Buffer.from(f.content, 'utf8')];
  });
}

/** Every file of a snapshot folder, entry first, paths relative to the folder. */
export function readSnapshotFiles(entry: string): { path: string; content: string }[] {
  const folder = dirname(entry);
  const out = [{ path: basename(entry), content: readFileSync(entry, 'utf8') }];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, d.name);
      if (d.isDirectory()) walk(abs);
      else if (abs !== entry)
        out.push({ path: relative(folder, abs), content: readFileSync(abs, 'utf8') });
    }
  };
  walk(folder);
  return out;
}

function storeFiles(recipesDir: string, hash: string, files: readonly [string, Buffer][]): string {
  const folder = join(recipesDir, hash);
  if (existsSync(folder)) {
    // Reused: fresh again, so the snapshot pruner leaves it to whatever is about to refer to it.
    const now = new Date();
    utimesSync(folder, now, now);
  } else {
    // Write beside, then rename: a crash never leaves a half-written snapshot under its hash.
    const staging = join(recipesDir, `.staging-${hash}-${randomBytes(4).toString('hex')}`);
    for (const [rel, bytes] of files) {
      mkdirSync(dirname(join(staging, rel)), { recursive: true, mode: 0o700 });
      writeFileSync(join(staging, rel), bytes, { mode: 0o600 });
    }
    try {
      renameSync(staging, folder);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(folder)) throw err;
    }
  }
  return folder;
}

function hashFiles(files: readonly [string, Buffer][]): string {
  const h = createHash('sha256');
  for (const [rel, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    h.update(rel).update('\0').update(String(bytes.length)).update('\0').update(bytes);
  }
  return h.digest('hex');
}

/**
 * Deletes snapshot folders nothing refers to any more (no schedule, no stored run) and untouched
 * since `cutoff` (a snapshot just written or reused is never taken from under its new schedule),
 * and staging folders a crash left. Returns the hashes removed.
 */
export function pruneSnapshots(
  recipesDir: string,
  referenced: ReadonlySet<string>,
  cutoff: number,
): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(recipesDir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const isSnapshot = /^[0-9a-f]{64}$/.test(name);
    if (!isSnapshot && !name.startsWith('.staging-')) continue;
    if (isSnapshot && referenced.has(name)) continue;
    const folder = join(recipesDir, name);
    try {
      if (statSync(folder).mtimeMs >= cutoff) continue;
      rmSync(folder, { recursive: true, force: true });
      if (isSnapshot) removed.push(name);
    } catch {
      // Gone meanwhile.
    }
  }
  return removed;
}
