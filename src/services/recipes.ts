import { RecipeFileCache, type LoadedRecipe } from '../adapters/recipe/recipe-file.js';
import { kindOfSnapshot, loadSourceFile } from '../adapters/recipe/pipeline-file.js';
import { inThreadChecker, type RecipeChecker } from '../adapters/recipe/recipe-checker.js';
import { readSnapshotFiles, writeSnapshot, type Snapshot } from '../adapters/recipe/snapshot.js';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { NotFoundError, UsageError } from '../domain/errors.js';
import { RecipeInvalidError, type RecipeProblem } from '../domain/recipe/index.js';
import type { Parameter } from '../domain/recipe/model.js';

export interface RecipeReport {
  readonly file: string;
  readonly format: 'yaml' | 'json';
  readonly valid: boolean;
  readonly headless: { readonly ok: boolean; readonly reasons: readonly string[] };
  readonly params: Readonly<Record<string, string>>;
  readonly errors: readonly RecipeProblem[];
  readonly warnings: readonly RecipeProblem[];
}

export interface RunnableRecipe {
  readonly loaded: LoadedRecipe;
  readonly params: Readonly<Record<string, string>>;
  readonly warnings: readonly RecipeProblem[];
}

/** Recipe use cases: validation for people, and the checked, snapshotted recipe a run executes. */
export class RecipeService {
  private readonly files = new RecipeFileCache(64, loadSourceFile);

  /**
   * `checker`: where the `…Checked` methods parse (the daemon passes a worker thread, so that a
   * large or tangled file never holds up its scheduler); the plain methods parse in this thread.
   */
  constructor(
    private readonly recipesDir: string,
    private readonly checker: RecipeChecker = inThreadChecker(),
  ) {}

  validate(file: string, params: Record<string, string>): RecipeReport {
    return reportOf(this.files.load(file, { params, headless: false }));
  }

  async validateChecked(file: string, params: Record<string, string>): Promise<RecipeReport> {
    return reportOf(await this.checker.load(file, { params, headless: false }));
  }

  /** Loads a recipe for a headless run: refuses it, with every reason, unless it can run. */
  loadRunnable(file: string, params: Record<string, string>): RunnableRecipe {
    return runnableOf(this.files.load(file, { params, headless: false }));
  }

  async loadRunnableChecked(file: string, params: Record<string, string>): Promise<RunnableRecipe> {
    return runnableOf(await this.checker.load(file, { params, headless: false }));
  }

  /** The verdict and the parameters the recipe declares (what a form offers); nothing is written. */
  async inspectChecked(
    file: string,
    params: Record<string, string>,
  ): Promise<{
    report: RecipeReport;
    parameters: readonly Parameter[];
    schedule: { foreground?: boolean; fallback_to_background?: boolean } | undefined;
  }> {
    const loaded = await this.checker.load(file, { params, headless: false });
    return {
      report: reportOf(loaded),
      parameters: loaded.pipeline?.compiled?.parameters ?? loaded.check.recipe?.parameters ?? [],
      schedule: loaded.check.recipe?.schedule,
    };
  }

  /**
   * The files of the snapshot `hash` of the recipe once at `recipePath`: the entry first, then
   * its sub-recipes. A snapshot pruned (or made on another host and never restored) is not found.
   */
  snapshotFiles(hash: string, recipePath: string): { path: string; content: string }[] {
    const entry = join(this.recipesDir, hash, basename(recipePath));
    if (!/^[0-9a-f]{16,128}$/.test(hash) || !existsSync(entry))
      throw new NotFoundError('snapshot', hash);
    return readSnapshotFiles(entry);
  }

  /** The entry file of snapshot `hash` of the recipe once at `recipePath`. */
  snapshotEntry(hash: string, recipePath: string): string {
    const entry = join(this.recipesDir, hash, basename(recipePath));
    if (!/^[0-9a-f]{16,128}$/.test(hash) || !existsSync(entry))
      throw new NotFoundError('snapshot', hash);
    return entry;
  }

  close(): Promise<void> {
    return this.checker.close();
  }

  /** Whether a snapshot entry is a recipe or a pipeline. */
  kindOf(entry: string): 'recipe' | 'pipeline' {
    return kindOfSnapshot(entry);
  }

  snapshot(recipe: RunnableRecipe): Snapshot {
    const { check, file, pipeline } = recipe.loaded;
    // A pipeline's snapshot carries every file it runs, in their layout under its folder.
    const entry = basename(file);
    const subRecipePaths = pipeline
      ? pipeline.files.filter((f) => f !== entry)
      : (check.recipe?.sub_recipes ?? []).map((s) => s.path);
    // JSON is valid YAML, so the unwrapped recipe keeps the file's name and extension.
    const text = check.unwrapped
      ? JSON.stringify(check.unwrapped, null, 2) + '\n'
      : recipe.loaded.text;
    return writeSnapshot(this.recipesDir, { file, text, subRecipePaths });
  }
}

function reportOf(loaded: LoadedRecipe): RecipeReport {
  const { check } = loaded;
  return {
    file: loaded.file,
    format: loaded.format,
    valid: check.problems.every((p) => p.severity !== 'error'),
    headless: check.headless,
    params: check.params,
    errors: check.problems.filter((p) => p.severity === 'error'),
    warnings: check.problems.filter((p) => p.severity === 'warning'),
  };
}

function runnableOf(loaded: LoadedRecipe): RunnableRecipe {
  const { check } = loaded;
  const errors = check.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new RecipeInvalidError(loaded.file, errors);
  if (!check.headless.ok) {
    throw new UsageError(
      `recipe ${loaded.file} cannot run headless:\n` +
        check.headless.reasons.map((r) => `  - ${r}`).join('\n'),
      { file: loaded.file, reasons: check.headless.reasons },
    );
  }
  return {
    loaded,
    params: check.params,
    warnings: check.problems.filter((p) => p.severity === 'warning'),
  };
}
