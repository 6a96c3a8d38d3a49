import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

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
    if (rel.startsWith('..') || rel.startsWith(sep) || !existsSync(abs)) {
      notCopied.push(sub);
      continue;
    }
    files.push([rel, readFileSync(abs)]);
  }
  const hash = hashFiles(files);
  const folder = join(recipesDir, hash);
  const entry = join(folder, basename(input.file));
  if (!existsSync(folder)) {
    // Write beside, then rename: a crash never leaves a half-written snapshot under its hash.
    const staging = join(recipesDir, `.staging-${hash}-${randomBytes(4).toString('hex')}`);
    for (const [rel, bytes] of files) {
      mkdirSync(dirname(join(staging, rel)), { recursive: true });
      writeFileSync(join(staging, rel), bytes);
    }
    try {
      renameSync(staging, folder);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(folder)) throw err;
    }
  }
  return { hash, entry, notCopied };
}

function hashFiles(files: readonly [string, Buffer][]): string {
  const h = createHash('sha256');
  for (const [rel, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    h.update(rel).update('\0').update(String(bytes.length)).update('\0').update(bytes);
  }
  return h.digest('hex');
}
