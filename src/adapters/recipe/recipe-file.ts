/**
 * Reads a recipe file from disk, parses it with positions (so every problem gets a line and
 * column), and runs the pure validation with file-system callbacks for sub-recipes and `file`
 * parameter values.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { nestingExcess, MAX_NESTING } from '../../domain/recipe/nesting.js';
import type { CompiledPipeline } from '../../domain/pipeline/model.js';
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
  /**
   * A pipeline file (docs/pipelines.md): its compiled form (null when it has errors) and every
   * file it runs, relative to its folder (what a snapshot copies).
   */
  pipeline?: { compiled: CompiledPipeline | null; files: string[] };
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

/** A file parsed with positions: the document, and where each of its fields is. */
export interface ParsedFile {
  readonly document: unknown;
  readonly locate: (at: PathSegment[]) => { line: number; column: number } | undefined;
}

/** Parses a recipe (or pipeline) file's text, bounded; a problem when it cannot be read as one. */
export function parseRecipeText(
  text: string,
  format: 'yaml' | 'json',
): ParsedFile | { problem: RecipeProblem } {
  // Before any parser: a document nested thousands deep would exhaust a recursive parser.
  const deep = nestingExcess(text, format);
  if (deep)
    return {
      problem: {
        severity: 'error',
        code: format === 'json' ? ProblemCode.jsonSyntax : ProblemCode.yamlSyntax,
        message: `nested more than ${MAX_NESTING} levels deep: a recipe nests a handful`,
        path: '',
        line: deep.line,
        column: deep.column,
      },
    };
  const lineCounter = new LineCounter();
  // YAML reads a leading BOM as a byte-order mark; JSON.parse needs it stripped. Duplicate keys
  // are found below in one pass (the parser's own check is quadratic in a mapping's size), and
  // only YAML 1.2's core tags are read (`!!binary`, `!!set`… stay text).
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: false,
    resolveKnownTags: false,
    prettyErrors: false,
  });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntax = format === 'json' ? jsonProblem(text, position) : undefined;
  const parseProblem =
    syntax ?? yamlProblem(doc, format, position) ?? duplicateKey(doc, format, position);
  if (parseProblem) return { problem: parseProblem };
  try {
    // Aliases expand: a "billion laughs" document stops at the count, an unset one is named.
    const document: unknown = doc.toJS({ maxAliasCount: 100 });
    return { document, locate: (at) => locate(doc, at, position) };
  } catch (err) {
    return {
      problem: {
        severity: 'error',
        code: ProblemCode.yamlSyntax,
        message: `invalid YAML: ${(err as Error).message.split('\n', 1)[0]}`,
        path: '',
      },
    };
  }
}

/** Reads and parses a file: its absolute path, text, format and parse (or the parse problem). */
export function readRecipeSource(file: string, cwd = process.cwd()) {
  const absolute = path.resolve(cwd, file);
  const text = readText(absolute);
  const format = recipeFormat(absolute, text);
  return { absolute, text, format, parsed: parseRecipeText(text, format) };
}

export function loadRecipeFile(
  file: string,
  opts: LoadRecipeOptions = {},
  source = readRecipeSource(file, opts.cwd),
): LoadedRecipe {
  const cwd = opts.cwd ?? process.cwd();
  const { absolute, text, format, parsed } = source;
  if ('problem' in parsed)
    return { file: absolute, text, format, check: unparsedCheck([parsed.problem]), probes: [] };
  const { document } = parsed;
  const probes: FileProbe[] = [];
  const check = validateRecipe({
    file: absolute,
    text,
    format,
    document,
    locate: parsed.locate,
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

/** A recipe is a small text file: 128 KiB is eight times the largest of Goose's cookbook. */
export const MAX_RECIPE_BYTES = 128 * 1024;

/**
 * Reads a recipe (or sub-recipe) file: a regular file only, opened without blocking (a FIFO
 * named `x.yaml` would wait for a writer forever; a link to /dev/zero never ends), and at most
 * MAX_RECIPE_BYTES of it.
 */
export function readRecipeBytes(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const reason = (err.code && OS_REASONS[err.code]) ?? err.message;
    throw new RecipeFileError(file, err.code ? `${reason} (${err.code})` : reason, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      throw new RecipeFileError(
        file,
        `it is ${kindOf(stat)}, not a regular file: recipes are read from regular files only`,
      );
    if (stat.size > MAX_RECIPE_BYTES) throw new RecipeFileError(file, tooLarge(stat.size));
    const buffer = Buffer.alloc(MAX_RECIPE_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    // It grew while being read.
    if (length > MAX_RECIPE_BYTES) throw new RecipeFileError(file, tooLarge(length));
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(bytes: number): string {
  return `it is larger than ${MAX_RECIPE_BYTES / 1024} KiB (${Math.ceil(bytes / 1024)} KiB or more): a recipe may be at most ${MAX_RECIPE_BYTES / 1024} KiB`;
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory (EISDIR)';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function readText(file: string): string {
  return readRecipeBytes(file).toString('utf8');
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

/**
 * JSON.parse is the authority on JSON; YAML's parser is only used for positions. Its message
 * quotes the file around the error: only the kind of error and the position are kept (whoever
 * asks must not learn a file's content through a validation answer).
 */
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
      message: `invalid JSON: ${jsonReason(message)}`,
      path: '',
      ...(at ? position(Number(at[1]) + bom) : {}),
    };
  }
}

function jsonReason(message: string): string {
  if (/^Unexpected end of JSON/.test(message)) return 'the document ends too early';
  if (/^Unexpected token/.test(message)) return 'an unexpected character';
  if (/^Unexpected non-whitespace character after JSON/.test(message))
    return 'something follows the document';
  const expected = /^(Expected [^"]*?) (?:in JSON )?at position/.exec(message);
  if (expected) return expected[1]!.replace(/'[^']*'/g, (m) => (m.length <= 4 ? m : "'…'"));
  if (/^Bad (control|escaped) character/.test(message)) return message.split(' in JSON')[0]!;
  return 'not valid JSON';
}

/** The first key a mapping repeats (one pass per mapping: a Set, not the parser's pairwise scan). */
function duplicateKey(
  doc: Document,
  format: 'yaml' | 'json',
  position: Position,
): RecipeProblem | undefined {
  let found: RecipeProblem | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) {
          found = {
            severity: 'error',
            code: format === 'json' ? ProblemCode.jsonSyntax : ProblemCode.yamlSyntax,
            message: `invalid ${format.toUpperCase()}: the key \`${key.slice(0, 60)}\` appears twice in one mapping (Map keys must be unique)`,
            path: '',
            ...(pair.key.range ? position(pair.key.range[0]) : {}),
          };
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Loads a recipe like `loadRecipeFile`, but reuses the previous verdict when nothing it depends on
 * changed: the same text, parameters and working directory, and every probed file still (not)
 * there. Repeated runs of one recipe then skip parsing and validation.
 */
export class RecipeFileCache {
  private readonly entries = new Map<string, LoadedRecipe>();

  constructor(
    private readonly capacity = 64,
    private readonly loader: (
      file: string,
      opts: LoadRecipeOptions,
    ) => LoadedRecipe = loadRecipeFile,
  ) {}

  load(file: string, opts: LoadRecipeOptions = {}): LoadedRecipe {
    const cwd = opts.cwd ?? process.cwd();
    const absolute = path.resolve(cwd, file);
    const key = JSON.stringify([absolute, cwd, opts.headless ?? false, opts.params ?? {}]);
    const cached = this.entries.get(key);
    if (cached && readText(absolute) === cached.text && cached.probes.every(stillTrue))
      return cached;
    const loaded = this.loader(file, opts);
    // A pipeline's verdict depends on the text of every step file: not kept.
    if (loaded.pipeline) return loaded;
    this.entries.delete(key);
    this.entries.set(key, loaded);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return loaded;
  }
}

function stillTrue(probe: FileProbe): boolean {
  return existsSync(probe.path) === probe.exists;
}
