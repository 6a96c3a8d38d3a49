/**
 * Reads a recipe file from disk, parses it with positions (so every problem gets a line and
 * column), and runs the pure validation with file-system callbacks for sub-recipes and `file`
 * parameter values.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import {
  ProblemCode,
  RecipeFileError,
  unparsedCheck,
  validateRecipe,
  type PathSegment,
  type RecipeCheck,
  type RecipeProblem,
} from '../../domain/recipe/index.js';

export interface LoadedRecipe {
  /** Absolute path. */
  file: string;
  /** The file's exact content decoded as UTF-8 (BOM and CRLF kept). */
  text: string;
  format: 'yaml' | 'json';
  check: RecipeCheck;
  /** Every other file the verdict depends on (sub-recipes, `file` parameters) and whether it existed. */
  probes: FileProbe[];
}

export interface FileProbe {
  readonly path: string;
  readonly exists: boolean;
}

export interface LoadRecipeOptions {
  params?: Record<string, string>;
  headless?: boolean;
  /** Base for a relative recipe path and for `file` parameter values; default `process.cwd()`. */
  cwd?: string;
}

export function loadRecipeFile(file: string, opts: LoadRecipeOptions = {}): LoadedRecipe {
  const cwd = opts.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const text = readText(absolute);
  const format = recipeFormat(absolute, text);
  const lineCounter = new LineCounter();
  // YAML reads a leading BOM as a byte-order mark; JSON.parse needs it stripped.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntax = format === 'json' ? jsonProblem(text, position) : undefined;
  const parseProblem = syntax ?? yamlProblem(doc, format, position);
  if (parseProblem) {
    return { file: absolute, text, format, check: unparsedCheck([parseProblem]), probes: [] };
  }
  const probes: FileProbe[] = [];
  const check = validateRecipe({
    file: absolute,
    text,
    format,
    document: doc.toJS({ maxAliasCount: 1000 }),
    locate: (at) => locate(doc, at, position),
    params: opts.params,
    headless: opts.headless,
    resolveFile: (p, base) => {
      const resolved = path.resolve(base === 'recipe' ? path.dirname(absolute) : cwd, p);
      const probe = { path: resolved, exists: existsSync(resolved) };
      probes.push(probe);
      return probe;
    },
  });
  return { file: absolute, text, format, check, probes };
}

const OS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const reason = (err.code && OS_REASONS[err.code]) ?? err.message;
    throw new RecipeFileError(file, err.code ? `${reason} (${err.code})` : reason, error);
  }
}

/** By extension (as Goose does), else by the first meaningful character. */
export function recipeFormat(file: string, text: string): 'yaml' | 'json' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'json'
    : 'yaml';
}

type Position = (offset: number) => { line: number; column: number };

function locate(doc: Document, at: PathSegment[], position: Position) {
  const node = at.length === 0 ? doc.contents : doc.getIn(at, true);
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? position(range[0]) : undefined;
}

/** The first YAML error is the cause; the parser's later errors usually follow from it. */
function yamlProblem(
  doc: Document,
  format: 'yaml' | 'json',
  position: Position,
): RecipeProblem | undefined {
  const [first, ...rest] = doc.errors;
  if (!first) return undefined;
  const more = rest.length ? ` (${rest.length} more parser error(s) follow from it)` : '';
  return {
    severity: 'error',
    code: format === 'json' ? ProblemCode.jsonSyntax : ProblemCode.yamlSyntax,
    message: `invalid ${format.toUpperCase()}: ${first.message}${more}`,
    path: '',
    ...position(first.pos[0]),
  };
}

/** JSON.parse is the authority on JSON; YAML's parser is only used for positions. */
function jsonProblem(text: string, position: Position): RecipeProblem | undefined {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  try {
    JSON.parse(text.slice(bom));
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    return {
      severity: 'error',
      code: ProblemCode.jsonSyntax,
      message: `invalid JSON: ${message}`,
      path: '',
      ...(at ? position(Number(at[1]) + bom) : {}),
    };
  }
}

/**
 * Loads a recipe like `loadRecipeFile`, but reuses the previous verdict when nothing it depends on
 * changed: the same text, parameters and working directory, and every probed file still (not)
 * there. Repeated runs of one recipe then skip parsing and validation.
 */
export class RecipeFileCache {
  private readonly entries = new Map<string, LoadedRecipe>();

  constructor(private readonly capacity = 64) {}

  load(file: string, opts: LoadRecipeOptions = {}): LoadedRecipe {
    const cwd = opts.cwd ?? process.cwd();
    const absolute = path.resolve(cwd, file);
    const key = JSON.stringify([absolute, cwd, opts.headless ?? false, opts.params ?? {}]);
    const cached = this.entries.get(key);
    if (cached && readText(absolute) === cached.text && cached.probes.every(stillTrue))
      return cached;
    const loaded = loadRecipeFile(file, opts);
    this.entries.delete(key);
    this.entries.set(key, loaded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return loaded;
  }
}

function stillTrue(probe: FileProbe): boolean {
  return existsSync(probe.path) === probe.exists;
}
