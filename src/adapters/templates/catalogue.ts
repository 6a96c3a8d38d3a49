/**
 * Template folders on disk: the built-in catalogue shipped with goose-flow, and the user's own
 * directory. Everything read is bounded (files, depth, bytes) and stays inside the template's
 * folder: a symbolic link that leads out of it is refused, never followed.
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readRecipeBytes, recipeFormat } from '../recipe/recipe-file.js';
import { nestingExcess } from '../../domain/recipe/nesting.js';
import { UsageError } from '../../domain/errors.js';
import type { Parameter } from '../../domain/recipe/model.js';
import {
  entryKind,
  entryParameters,
  isTemplatePath,
  MANIFEST_FILE,
  parseManifest,
  TEMPLATE_NAME,
  type TemplateKind,
  type TemplateManifest,
} from '../../domain/template/manifest.js';

/** A template is a handful of small files; these bounds are far above any real one. */
export const MAX_TEMPLATE_FILES = 64;
export const MAX_TEMPLATE_BYTES = 1024 * 1024;
const MAX_TEMPLATES = 200;
const MAX_DEPTH = 5;
/** What a template ships: recipes, pipelines and notes. Other files in the folder are not part of it. */
const SHIPPED = /\.(?:ya?ml|json|md|txt)$/i;

export interface TemplateFile {
  /** Relative to the template folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

export interface TemplateFolder {
  /** The folder's real path. */
  readonly dir: string;
  readonly manifest: TemplateManifest;
  readonly kind: TemplateKind;
  /** The entry's well-formed parameter declarations, as written. */
  readonly declared: readonly Parameter[];
  /** The entry first, then the others by path; `template.yaml` is not among them. */
  readonly files: readonly TemplateFile[];
}

/** The names of the template folders under `root` (none when it does not exist). */
export function templateNames(root: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  return entries
    .filter((e) => TEMPLATE_NAME.test(e.name) && (e.isDirectory() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort()
    .slice(0, MAX_TEMPLATES);
}

/**
 * The template `name` under `root`, read and checked; null when there is no such folder. A folder
 * that is there but broken (no manifest, a bad field, a link out, too large) is a UsageError.
 */
export function loadTemplate(root: string, name: string): TemplateFolder | null {
  if (!TEMPLATE_NAME.test(name)) return null;
  const folder = path.join(root, name);
  let dir: string;
  try {
    dir = realpathSync(folder);
    if (!statSync(dir).isDirectory()) return null;
  } catch {
    return null;
  }
  const manifestFile = path.join(folder, MANIFEST_FILE);
  const manifest = parseManifest(
    manifestDocument(readInside(dir, MANIFEST_FILE).toString('utf8'), manifestFile),
    manifestFile,
    name,
  );
  const paths = shippedFiles(dir).filter((p) => p !== MANIFEST_FILE);
  if (!paths.includes(manifest.entry))
    throw new UsageError(
      `${manifestFile}: field 'entry': ${manifest.entry} is not a file of the template`,
      { file: manifestFile, field: 'entry' },
    );
  const files = readAll(dir, [manifest.entry, ...paths.filter((p) => p !== manifest.entry)]);
  const document = entryDocument(files[0]!);
  return {
    dir,
    manifest,
    kind: entryKind(document),
    declared: entryParameters(document),
    files,
  };
}

function readAll(dir: string, paths: readonly string[]): TemplateFile[] {
  let total = 0;
  return paths.map((p) => {
    const bytes = readInside(dir, p);
    total += bytes.length;
    if (total > MAX_TEMPLATE_BYTES)
      throw new UsageError(
        `${dir}: the template's files hold more than ${MAX_TEMPLATE_BYTES / 1024} KiB: a template may hold at most that`,
        { dir },
      );
    return { path: p, content: bytes.toString('utf8') };
  });
}

/** The files a template ships (relative paths, sorted), found without leaving the folder. */
function shippedFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string, depth: number) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) walk(child, depth + 1);
        continue;
      }
      if (!SHIPPED.test(entry.name) || !isTemplatePath(child)) continue;
      if (entry.isSymbolicLink()) insideTarget(dir, child);
      else if (!entry.isFile()) continue;
      found.push(child);
      if (found.length > MAX_TEMPLATE_FILES)
        throw new UsageError(
          `${dir}: more than ${MAX_TEMPLATE_FILES} files: a template may ship at most that many`,
          { dir },
        );
    }
  };
  walk('', 1);
  return found.sort();
}

/** Reads `rel` of the folder `dir`; a symbolic link is read only when it stays inside. */
function readInside(dir: string, rel: string): Buffer {
  const full = path.join(dir, rel);
  let target = full;
  try {
    if (lstatSync(full).isSymbolicLink()) target = insideTarget(dir, rel);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // Missing and unreadable files are named by the reader below.
  }
  return readRecipeBytes(target);
}

/** Where the link `rel` leads, if that is a file inside `dir`; else refused. */
function insideTarget(dir: string, rel: string): string {
  const full = path.join(dir, rel);
  let target: string;
  try {
    target = realpathSync(full);
  } catch {
    throw new UsageError(`${full} is a symbolic link to nothing`, { file: full });
  }
  if (!target.startsWith(dir + path.sep) || !statSync(target).isFile())
    throw new UsageError(
      `${full} is a symbolic link that does not lead to a file inside the template folder: refused`,
      { file: full },
    );
  return target;
}

function manifestDocument(text: string, file: string): unknown {
  if (nestingExcess(text, 'yaml'))
    throw new UsageError(`${file}: nested too deeply to be a template manifest`, { file });
  try {
    return parse(text, { maxAliasCount: 100 });
  } catch (err) {
    const first = (err as Error).message.split('\n', 1)[0];
    throw new UsageError(`${file}: invalid YAML: ${first}`, { file });
  }
}

/** The entry's document, or null when it does not parse (its validation says why). */
function entryDocument(file: TemplateFile): unknown {
  const format = recipeFormat(file.path, file.content);
  if (nestingExcess(file.content, format)) return null;
  try {
    return parse(file.content.replace(/^\uFEFF/, ''), { maxAliasCount: 100 });
  } catch {
    return null;
  }
}
