/**
 * Loads a pipeline file: parses it with positions, loads every recipe (and inner pipeline) its
 * steps name — each checked as a recipe, at its own file and line — and compiles the whole. The
 * files it runs must sit inside the pipeline's folder: that folder is what a run snapshots.
 */
import path from 'node:path';
import { compilePipeline } from '../../domain/pipeline/compile.js';
import { typeOfSchema } from '../../domain/pipeline/expr.js';
import { isPipelineDocument } from '../../domain/pipeline/schema.js';
import {
  MAX_PIPELINE_DEPTH,
  type CompiledPipeline,
  type StepRecipe,
  type ValueType,
} from '../../domain/pipeline/model.js';
import { bindParams } from '../../domain/recipe/params.js';
import { formatPath } from '../../domain/recipe/schema.js';
import { ProblemCode, type RecipeProblem } from '../../domain/recipe/model.js';
import { RecipeInvalidError } from '../../domain/recipe/recipe-error.js';
import { GooseFlowError } from '../../domain/errors.js';
import {
  loadRecipeFile,
  readRecipeSource,
  type LoadedRecipe,
  type LoadRecipeOptions,
  type ParsedFile,
} from './recipe-file.js';

type Source = ReturnType<typeof readRecipeSource>;
type Loaded = StepRecipe | { problems: RecipeProblem[] };

/** Reads a recipe or a pipeline file, whichever it is. */
export function loadSourceFile(file: string, opts: LoadRecipeOptions = {}): LoadedRecipe {
  const source = readRecipeSource(file, opts.cwd);
  if ('problem' in source.parsed || !isPipelineDocument(source.parsed.document))
    return loadRecipeFile(file, opts, source);
  return loadPipelineFile(source, source.parsed, opts);
}

function loadPipelineFile(
  source: Source,
  parsed: ParsedFile,
  opts: LoadRecipeOptions,
): LoadedRecipe {
  const root = path.dirname(source.absolute);
  const loader = new StepLoader(root);
  const result = loader.compile(source.absolute, parsed, [source.absolute]);
  const problems = [...result.problems];
  const compiled = result.pipeline ?? null;
  const binding = compiled ? bindParams(compiled.parameters, opts.params ?? {}) : null;
  for (const { at, ...finding } of binding?.findings ?? [])
    problems.push({ ...finding, path: formatPath(at) });
  const missing = (binding?.missing ?? []).map(
    (p) =>
      `parameter \`${p.key}\` (${p.requirement}) has no value and no default; a headless run cannot ask for it — pass it with --param ${p.key}=VALUE`,
  );
  if (opts.headless)
    for (const message of missing)
      problems.push({ severity: 'error', code: ProblemCode.valueMissing, message, path: 'params' });
  const errors = problems.filter((p) => p.severity === 'error').length;
  const reasons = [...(errors ? [`the pipeline has ${errors} error(s)`] : []), ...missing];
  return {
    file: source.absolute,
    text: source.text,
    format: source.format,
    check: {
      problems,
      headless: { ok: reasons.length === 0, reasons },
      params: binding?.values ?? {},
    },
    probes: [],
    pipeline: { compiled: errors ? null : compiled, files: [...loader.files].sort() },
  };
}

class StepLoader {
  /** Every file a run of the pipeline needs, relative to its folder. */
  readonly files = new Set<string>();
  private readonly loaded = new Map<string, Loaded>();

  constructor(private readonly root: string) {}

  compile(absolute: string, parsed: ParsedFile, stack: readonly string[]) {
    this.files.add(this.rel(absolute));
    const dir = path.dirname(absolute);
    return compilePipeline({
      file: absolute,
      relFile: this.rel(absolute),
      document: parsed.document,
      locate: parsed.locate,
      stepRecipe: (recipe) => this.step(path.resolve(dir, recipe), stack),
    });
  }

  private rel(absolute: string): string {
    return path.relative(this.root, absolute).split(path.sep).join('/');
  }

  private inside(absolute: string): boolean {
    const rel = path.relative(this.root, absolute);
    // `..draft.yaml` is a file here; `..` or `../x` leaves the folder.
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  }

  private step(absolute: string, stack: readonly string[]): Loaded {
    if (!this.inside(absolute))
      return own(
        `it is outside the pipeline's folder ${this.root}; goose-flow snapshots that folder, so keep the recipes a pipeline runs inside it`,
      );
    if (stack.includes(absolute))
      return own(`it calls itself (${[...stack, absolute].map((f) => this.rel(f)).join(' → ')})`);
    const known = this.loaded.get(absolute);
    if (known) return known;
    const result = this.load(absolute, stack);
    this.loaded.set(absolute, result);
    return result;
  }

  private load(absolute: string, stack: readonly string[]): Loaded {
    let source: Source;
    try {
      source = readRecipeSource(absolute);
    } catch (err) {
      if (err instanceof GooseFlowError) return own(err.message);
      throw err;
    }
    const { parsed } = source;
    if (!('problem' in parsed) && isPipelineDocument(parsed.document))
      return this.innerPipeline(absolute, parsed, stack);
    const loaded = loadRecipeFile(absolute, { headless: false }, source);
    const errors = loaded.check.problems.filter((p) => p.severity === 'error');
    if (errors.length) return { problems: errors.map((p) => ({ ...p, file: absolute })) };
    const recipe = loaded.check.recipe!;
    if (!recipe.prompt?.trim())
      return own('it has no `prompt`, so it cannot run headless (a pipeline step runs headless)');
    const subRecipes = (recipe.sub_recipes ?? []).map((s) => s.path);
    for (const sub of subRecipes) {
      const abs = path.resolve(path.dirname(absolute), sub);
      if (!this.inside(abs)) return own(`its sub-recipe ${sub} is outside the pipeline's folder`);
      this.files.add(this.rel(abs));
    }
    this.files.add(this.rel(absolute));
    const schema = recipe.response?.json_schema;
    return {
      file: this.rel(absolute),
      kind: 'recipe',
      output: schema ? 'json' : 'text',
      outputType: schema ? typeOfSchema(schema) : { type: 'string' },
      subRecipes,
      parameters: recipe.parameters ?? [],
      pipeline: null,
    };
  }

  private innerPipeline(absolute: string, parsed: ParsedFile, stack: readonly string[]): Loaded {
    if (stack.length >= MAX_PIPELINE_DEPTH)
      return own(`pipelines nest at most ${MAX_PIPELINE_DEPTH} deep`);
    const result = this.compile(absolute, parsed, [...stack, absolute]);
    if (!result.pipeline)
      return { problems: result.problems.map((p) => ({ ...p, file: p.file ?? absolute })) };
    return {
      file: this.rel(absolute),
      kind: 'pipeline',
      output: 'json',
      outputType: pipelineOutputType(result.pipeline),
      subRecipes: [],
      parameters: result.pipeline.parameters,
      pipeline: result.pipeline,
    };
  }
}

function own(message: string): { problems: RecipeProblem[] } {
  return { problems: [{ severity: 'error', code: ProblemCode.stepRecipe, message, path: '' }] };
}

/** An inner pipeline hands over an object: each of its steps' outputs under the step's id. */
function pipelineOutputType(p: CompiledPipeline): ValueType {
  const properties: Record<string, ValueType> = {};
  for (const s of p.steps)
    properties[s.id] = s.forEach
      ? { type: 'array', items: s.recipe.outputType }
      : s.recipe.outputType;
  return { type: 'object', properties };
}

const kinds = new Map<string, 'recipe' | 'pipeline'>();
const compiledAt = new Map<string, CompiledPipeline>();

/** Whether a recipe snapshot's entry is a pipeline (snapshots never change: the answer is kept). */
export function kindOfSnapshot(entry: string): 'recipe' | 'pipeline' {
  const known = kinds.get(entry);
  if (known) return known;
  const { parsed } = readRecipeSource(entry);
  const kind =
    !('problem' in parsed) && isPipelineDocument(parsed.document) ? 'pipeline' : 'recipe';
  if (kinds.size > 1_000) kinds.clear();
  kinds.set(entry, kind);
  return kind;
}

/**
 * The compiled pipeline of a snapshot entry: what a pipeline run drives. It was valid when it was
 * snapshotted; an error here means the snapshot was damaged, and the run fails with the reason.
 */
export function compiledPipelineAt(entry: string): CompiledPipeline {
  // A snapshot never changes: compiled once per entry (a driver asks at every step it starts).
  const known = compiledAt.get(entry);
  if (known) return known;
  const loaded = loadSourceFile(entry);
  const compiled = loaded.pipeline?.compiled;
  if (compiled) {
    if (compiledAt.size > 100) compiledAt.clear();
    compiledAt.set(entry, compiled);
    return compiled;
  }
  const errors = loaded.check.problems.filter((p) => p.severity === 'error');
  throw new RecipeInvalidError(
    entry,
    errors.length
      ? errors
      : [{ severity: 'error', code: ProblemCode.notARecipe, message: 'not a pipeline', path: '' }],
  );
}
