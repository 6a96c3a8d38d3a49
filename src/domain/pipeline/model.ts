/**
 * Pipelines: a file with a top-level `steps` list, each step a recipe (or another pipeline) run as
 * a run of its own. This is the compiled form — what validation produces and what both engines
 * drive. It is plain JSON (it travels in a Temporal workflow's input) and carries no I/O.
 */
import type { Parameter } from '../recipe/model.js';

/** Step ids name runs (`<pipeline run>:<step>`), files and URLs: a small, safe alphabet. */
export const STEP_ID = /^[a-z][a-z0-9_-]{0,47}$/;
/** A pipeline that calls pipelines: so deep at most (each level is a run that waits). */
export const MAX_PIPELINE_DEPTH = 4;
export const MAX_STEPS = 100;
/** Items of one fan-out: more would be a queue, not a step. */
export const MAX_ITEMS = 1_000;
export const DEFAULT_MAX_PARALLEL = 4;
/** A step's output kept for hand-over (JSON text or final text); longer is refused, not cut. */
export const MAX_OUTPUT_BYTES = 256 * 1024;

/** Where a value comes from: `${params.x}`, `${steps.a.output.f}`, `${steps.a.status}`, `${item.f}`. */
export type Reference =
  | { readonly kind: 'param'; readonly name: string; readonly source: string }
  | {
      readonly kind: 'output';
      readonly step: string;
      readonly path: readonly string[];
      readonly source: string;
    }
  | { readonly kind: 'status'; readonly step: string; readonly source: string }
  | { readonly kind: 'item'; readonly path: readonly string[]; readonly source: string }
  | { readonly kind: 'index'; readonly source: string };

/**
 * A step parameter's value: a literal, one reference (keeps the referenced value's type), or text
 * with references in it (always text; non-text values are written as JSON).
 */
export type ValueExpr =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'ref'; readonly ref: Reference }
  | { readonly kind: 'text'; readonly parts: readonly (string | Reference)[] };

export const ConditionOp = {
  truthy: 'truthy',
  not: 'not',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
} as const;
export type ConditionOp = (typeof ConditionOp)[keyof typeof ConditionOp];

/** `if:` — one comparison, or the truth of one value. */
export interface Condition {
  readonly op: ConditionOp;
  readonly left: ValueExpr;
  readonly right: ValueExpr | null;
  readonly source: string;
}

/** What a step's failure does to the pipeline. */
export type OnFailure =
  | { readonly kind: 'stop' }
  | { readonly kind: 'continue' }
  /** Run this handler step, then stop. */
  | { readonly kind: 'handler'; readonly handler: string };

/** The static type of a value, as far as validation can know it (JSON Schema's words). */
export type ValueType =
  | { readonly type: 'string'; readonly options?: readonly string[] }
  | { readonly type: 'number' }
  | { readonly type: 'integer' }
  | { readonly type: 'boolean' }
  | { readonly type: 'null' }
  | { readonly type: 'array'; readonly items: ValueType }
  | {
      readonly type: 'object';
      /** Declared properties; null when the schema does not close the object. */
      readonly properties: Readonly<Record<string, ValueType>> | null;
    }
  | { readonly type: 'unknown' };

/** The recipe (or pipeline) a step runs, as found in the pipeline's folder. */
export interface StepRecipe {
  /** Path relative to the top pipeline's folder, `/`-separated. */
  readonly file: string;
  readonly kind: 'recipe' | 'pipeline';
  /** What the step hands over: the JSON of `response.json_schema`, or the final text. */
  readonly output: 'json' | 'text';
  readonly outputType: ValueType;
  /** Sub-recipe paths as the recipe writes them (relative to its folder). */
  readonly subRecipes: readonly string[];
  /** The recipe's (or inner pipeline's) declared parameters. */
  readonly parameters: readonly Parameter[];
  /** A step that is a pipeline: its compiled form. */
  readonly pipeline: CompiledPipeline | null;
}

export interface StepPlan {
  readonly id: string;
  readonly recipe: StepRecipe;
  readonly needs: readonly string[];
  readonly params: Readonly<Record<string, ValueExpr>>;
  readonly condition: Condition | null;
  readonly forEach: { readonly items: ValueExpr; readonly maxParallel: number } | null;
  /** Attempts beyond the first; null: the run's retry policy. */
  readonly retries: number | null;
  readonly timeoutMs: number | null;
  readonly onFailure: OnFailure;
}

/** What the pipeline runs when it ends, by how it ended (Dagu's handlerOn); `exit` runs last, always. */
export interface PipelineHooks {
  readonly success: string | null;
  readonly failure: string | null;
  readonly cancel: string | null;
  readonly exit: string | null;
}

export interface CompiledPipeline {
  /** Path of the pipeline file relative to the top pipeline's folder (`/`-separated). */
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly parameters: readonly Parameter[];
  readonly timeoutMs: number | null;
  /** In file order, which is also a valid order (validation refuses cycles). */
  readonly steps: readonly StepPlan[];
  /** Steps that run only when a step's `on_failure` or a hook names them. */
  readonly handlers: readonly StepPlan[];
  readonly hooks: PipelineHooks;
}

/** How a step (or one item of a fan-out) stands. Instances of a step are `id` or `id.<n>`. */
export const StepStatus = {
  waiting: 'waiting',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  timedOut: 'timed_out',
  cancelled: 'cancelled',
  skipped: 'skipped',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

/** What the driver knows of one started step instance: its run, and its output once it succeeded. */
export interface StepResult {
  readonly key: string;
  readonly runId: string;
  readonly status: StepStatus;
  /** The parsed JSON or final text, once succeeded. */
  readonly output?: unknown;
  readonly error?: string | null;
  /** Carried over from an earlier run of the pipeline (`resume`): not run again. */
  readonly carriedFrom?: string | null;
}

/** Link from a step's run to the pipeline run it belongs to. */
export interface StepLink {
  readonly runId: string;
  readonly step: string;
  /** The fan-out item's index, or null. */
  readonly item: number | null;
}

/** `<pipeline run id>:<step>` or `<pipeline run id>:<step>.<item>`: deterministic, so a restart finds it. */
export function stepRunId(pipelineRunId: string, step: string, item: number | null): string {
  return `${pipelineRunId}:${instanceKey(step, item)}`;
}

export function instanceKey(step: string, item: number | null): string {
  return item === null ? step : `${step}.${item}`;
}
