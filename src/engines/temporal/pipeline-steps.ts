/**
 * How a pipeline run on Temporal turns a planned step into a child workflow, and a child's end into
 * a step result. Pure (no I/O, no SDK): the pipeline workflow runs it, and the engine reads a
 * pipeline's history with the same rules, so both see the same results.
 */
import {
  StepStatus,
  stepRunId,
  type CompiledPipeline,
  type StepLink,
  type StepPlan,
  type StepRecipe,
  type StepResult,
} from '../../domain/pipeline/model.js';
import type { StartStep } from '../../domain/pipeline/plan.js';
import { withRetries } from '../../domain/retry-policy.js';
import type {
  GooseJobInput,
  GooseJobResult,
  GoosePipelineInput,
  GoosePipelineResult,
  RecipeFile,
  RunMemo,
} from './names.js';

/** A step or handler of a pipeline, by id. */
export function stepOf(pipeline: CompiledPipeline, id: string): StepPlan | undefined {
  return pipeline.steps.find((s) => s.id === id) ?? pipeline.handlers.find((h) => h.id === id);
}

/** A step's child workflow: its id, input and memo. */
export interface StepChild {
  readonly workflowId: string;
  readonly kind: 'recipe' | 'pipeline';
  readonly input: GooseJobInput | GoosePipelineInput;
  readonly memo: RunMemo;
}

/**
 * The child a planned step instance runs as: a recipe step ships its recipe and sub-recipes (taken
 * from the pipeline's shipped files, re-rooted to the recipe's folder) and takes its output from
 * its log; a pipeline step ships every file and drives its inner pipeline.
 */
export function stepChild(
  runId: string,
  input: GoosePipelineInput,
  memo: RunMemo,
  start: StartStep,
): StepChild {
  const { step } = start;
  const recipe = step.recipe;
  const parent: StepLink = { runId, step: step.id, item: start.item };
  const retry =
    step.retries === null ? input.options.retry : withRetries(input.options.retry, step.retries);
  const timeoutMs = step.timeoutMs ?? input.options.timeoutMs;
  const recipePath = stepRecipePath(input.recipePath, input.pipeline.file, recipe.file);
  const recipeHash =
    recipe.kind === 'pipeline'
      ? input.recipeHash
      : (input.stepHashes?.[recipe.file] ?? input.recipeHash);
  const base: GooseJobInput = {
    // The pipeline run is its schedule's run; its steps are not (overlap, pause on failure…).
    scheduleId: null,
    trigger: input.trigger,
    recipePath,
    recipeHash,
    recipeFiles:
      recipe.kind === 'pipeline' ? input.recipeFiles : stepRecipeFiles(input.recipeFiles, recipe),
    followSource: false,
    params: start.params,
    options: { ...input.options, timeoutMs, retry },
    parent,
  };
  const childInput: GooseJobInput | GoosePipelineInput =
    recipe.kind === 'pipeline' && recipe.pipeline
      ? {
          ...base,
          pipeline: recipe.pipeline,
          ...(input.stepHashes ? { stepHashes: input.stepHashes } : {}),
        }
      : { ...base, output: recipe.output };
  return {
    workflowId: stepRunId(runId, step.id, start.item),
    kind: recipe.kind,
    input: childInput,
    memo: {
      ...memo,
      scheduleId: null,
      recipePath,
      recipeHash,
      params: start.params,
      options: { ...memo.options, timeoutMs, retryPolicy: retry },
      parent,
      resumeOf: null,
    },
  };
}

/** Where the user's copy of a step recipe is: beside the pipeline file, as the step names it. */
function stepRecipePath(pipelinePath: string, pipelineFile: string, stepFile: string): string {
  const own = `/${pipelineFile}`;
  const origin = pipelinePath.endsWith(own)
    ? pipelinePath.slice(0, -own.length)
    : pipelinePath.slice(0, Math.max(0, pipelinePath.lastIndexOf('/')));
  return `${origin}/${stepFile}`;
}

/**
 * A recipe step's own snapshot: its file first (named as in its folder), then the sub-recipes it
 * names inside its folder — as a snapshot of the recipe alone would hold them.
 */
export function stepRecipeFiles(files: readonly RecipeFile[], recipe: StepRecipe): RecipeFile[] {
  const byPath = new Map(files.map((f) => [normalise(f.path), f.content]));
  const folder = dirname(recipe.file);
  const entry = byPath.get(normalise(recipe.file));
  if (entry === undefined) return [];
  const out: RecipeFile[] = [{ path: basename(recipe.file), content: entry }];
  const seen = new Set(out.map((f) => f.path));
  for (const sub of recipe.subRecipes) {
    const rel = normalise(sub);
    // Outside the recipe's folder: a snapshot of the recipe cannot carry it (nor does embedded's).
    if (rel === '' || rel === '..' || rel.startsWith('../') || sub.startsWith('/')) continue;
    const content = byPath.get(normalise(folder ? `${folder}/${rel}` : rel));
    if (content === undefined || seen.has(rel)) continue;
    seen.add(rel);
    out.push({ path: rel, content });
  }
  return out;
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `a/./b/../c` → `a/c`; a leading `..` stays (it leaves the folder). */
function normalise(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out.at(-1) !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** A step's child that Temporal timed out (goose-flow sets no workflow timeout on it). */
export const STEP_TIMED_OUT = "the step's workflow timed out";

/** A step's child that could not start: a workflow with its id exists already. */
export function startFailed(workflowId: string): string {
  return `the step's workflow ${workflowId} could not start: one with that id exists already`;
}

/** How a step's child workflow ended. */
export type ChildEnd =
  | { readonly how: 'completed'; readonly result: unknown }
  | { readonly how: 'failed'; readonly type: string | null; readonly message: string }
  | { readonly how: 'cancelled'; readonly message: string | null }
  | { readonly how: 'timed_out'; readonly message: string };

/**
 * A step instance's result from how its child ended. A recipe step's child succeeds once goose
 * did; the step succeeds only with an output to hand over (as on the embedded engine).
 */
export function stepResultOf(
  key: string,
  runId: string,
  kind: 'recipe' | 'pipeline',
  end: ChildEnd,
): StepResult {
  const base = { key, runId, carriedFrom: null };
  switch (end.how) {
    case 'completed': {
      if (kind === 'pipeline') {
        const output = (end.result as Partial<GoosePipelineResult> | null)?.output ?? {};
        return { ...base, status: StepStatus.succeeded, output };
      }
      const got = (end.result as Partial<GooseJobResult> | null)?.output;
      if (got && 'value' in got)
        return { ...base, status: StepStatus.succeeded, output: got.value };
      const error = got && 'error' in got ? got.error : "the step's run handed over no output";
      return { ...base, status: StepStatus.failed, error };
    }
    case 'failed':
      return {
        ...base,
        status: end.type === 'TimedOut' ? StepStatus.timedOut : StepStatus.failed,
        error: end.message,
      };
    case 'cancelled':
      return {
        ...base,
        status: StepStatus.cancelled,
        error: end.message ?? 'cancelled on request',
      };
    case 'timed_out':
      return { ...base, status: StepStatus.timedOut, error: end.message };
  }
}

/** `<pipeline run>:<step>[.<item>]` → the step link; null for an id that is not a step's run. */
export function stepLinkOf(workflowId: string): StepLink | null {
  const m = /^(.+):([a-z][a-z0-9_-]{0,47})(?:\.(\d+))?$/.exec(workflowId);
  if (!m) return null;
  return { runId: m[1]!, step: m[2]!, item: m[3] === undefined ? null : Number(m[3]) };
}
