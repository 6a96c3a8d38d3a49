/** Names shared by the Temporal client, worker and workflow code (no I/O: the workflow bundle imports it). */
import type { Run, RunOptions } from '../../domain/run.js';
import type { CompiledPipeline, StepLink, StepResult } from '../../domain/pipeline/model.js';

export const WORKFLOW_TYPE = 'GooseJobWorkflow';
/** A pipeline run: its steps are child workflows (GooseJobWorkflow, or this for a pipeline step). */
export const PIPELINE_WORKFLOW_TYPE = 'GoosePipelineWorkflow';
/** Every workflow type that is a goose-flow run. */
export const RUN_WORKFLOW_TYPES: readonly string[] = [WORKFLOW_TYPE, PIPELINE_WORKFLOW_TYPE];
export const ATTEMPT_SIGNAL = 'attempt';
/** Who asked for a kill and why, recorded in the history just before the cancel request. */
export const KILL_SIGNAL = 'kill';
/** Marks a run goose-flow triggered by hand (Temporal starts it as one of the schedule's). */
export const MARK_SIGNAL = 'mark';
export const DEFAULT_TASK_QUEUE = 'goose-flow';
export const DEFAULT_NAMESPACE = 'default';

/** Custom search attributes goose-flow lists and filters runs by. All Keyword. */
export const SearchAttribute = {
  scheduleId: 'GooseFlowScheduleId',
  status: 'GooseFlowStatus',
  trigger: 'GooseFlowTrigger',
} as const;
export const SEARCH_ATTRIBUTES: readonly string[] = Object.values(SearchAttribute);

/** The Temporal schedule id of a goose-flow schedule, as Goose's Go service named it. */
export function temporalScheduleId(scheduleId: string): string {
  return `goose-job-${scheduleId}`;
}

export function scheduleIdOf(temporalId: string): string | null {
  return temporalId.startsWith('goose-job-') ? temporalId.slice('goose-job-'.length) : null;
}

/** A file of a recipe snapshot, shipped in the workflow input so any worker host can run it. */
export interface RecipeFile {
  readonly path: string;
  readonly content: string;
}

export interface GooseJobOptions {
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly heartbeatMs: number;
  readonly cwd: string | null;
  readonly logCapBytes: number;
  readonly retry: {
    readonly initialIntervalMs: number;
    readonly backoffCoefficient: number;
    readonly maximumIntervalMs: number;
    readonly maxAttempts: number;
    readonly nonRetryableErrorTypes: readonly string[];
  };
}

/** The workflow's input: everything a worker on any host needs to run the recipe. */
export interface GooseJobInput {
  readonly scheduleId: string | null;
  readonly trigger: string;
  readonly recipePath: string;
  readonly recipeHash: string;
  /** The snapshot: the entry file first, then sub-recipes, paths relative to the snapshot folder. */
  readonly recipeFiles: readonly RecipeFile[];
  readonly followSource: boolean;
  readonly params: Readonly<Record<string, string>>;
  readonly options: GooseJobOptions;
  /** The attempt's number (the workflow counts them; absent: Temporal's own attempt). */
  readonly attempt?: number;
  /** A pipeline step's run: its pipeline run, step and item. */
  readonly parent?: StepLink | null;
  /** A pipeline step: the output to take from the log of a successful attempt. */
  readonly output?: 'json' | 'text';
}

/** A pipeline run's input: a run's, plus the compiled pipeline and what a `resume` carries over. */
export interface GoosePipelineInput extends GooseJobInput {
  readonly pipeline: CompiledPipeline;
  readonly resume?: { readonly of: string; readonly carried: readonly StepResult[] } | null;
  /**
   * The content hash of each recipe step's own snapshot (its file and sub-recipes), by the step
   * recipe's file: what its run records as its recipe hash (workflow code cannot hash).
   */
  readonly stepHashes?: Readonly<Record<string, string>>;
}

/** A pipeline as a worker read it again from its file (`--follow-source`): what its run ships. */
export type PipelineSource = Pick<
  GoosePipelineInput,
  'pipeline' | 'recipeFiles' | 'recipeHash' | 'stepHashes'
>;

/** What a pipeline run hands over: each main step's output, by step id (the planner's `output`). */
export interface GoosePipelineResult {
  readonly output: Readonly<Record<string, unknown>>;
}

/** What a run's memo carries: the run's definition, readable from visibility without the history. */
export interface RunMemo {
  readonly trigger: Run['trigger'];
  readonly scheduleId: string | null;
  readonly recipePath: string;
  readonly recipeHash: string;
  readonly params: Readonly<Record<string, string>>;
  readonly options: RunOptions;
  /** A step's run: its pipeline run, step and item (absent: not a step). */
  readonly parent?: StepLink | null;
  /** A pipeline run started by `resume`: the run it continues. */
  readonly resumeOf?: string | null;
}

/** What the activity tells its workflow about one attempt (a signal, so it lands in the history). */
export interface AttemptReport {
  readonly phase: 'started' | 'ended';
  readonly attempt: number;
  readonly at: number;
  readonly host: string;
  /** The worker's identity (`goose-flow@host:pid`). */
  readonly worker?: string;
  readonly pid?: number | null;
  readonly logPath?: string;
  readonly status?: 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly failure?: string | null;
  readonly message?: string | null;
  readonly sessionId?: string | null;
  readonly logBytes?: number;
  readonly logTruncated?: boolean;
  readonly willRetry?: boolean;
  /** A worker on the attempt's host took up a goose that a worker now gone had started. */
  readonly reattached?: boolean;
}

/**
 * How long an attempt whose worker died waits for a worker of its own host (whose goose may run on
 * under its keeper) before it counts as lost and is retried on any host.
 */
export const HOME_WAIT_MS = 30_000;

/** Heartbeat details: the live attempt, readable with `describe()` while it runs. */
export interface AttemptBeat {
  readonly attempt: number;
  readonly host: string;
  /** The task queue only the workers of this host (and data dir) poll: where a resume goes. */
  readonly home?: string;
  readonly pid: number | null;
  readonly logPath: string;
  readonly sessionId: string | null;
  /** The last few KB of output (never the whole log: payloads must stay small). */
  readonly tail: string;
}

export interface GooseJobResult {
  readonly exitCode: number | null;
  readonly sessionId: string | null;
  readonly attempt: number;
  readonly host: string;
  readonly logPath: string;
  /** A pipeline step's output, taken from its log; or why there is none to hand over. */
  readonly output?: { readonly value: unknown } | { readonly error: string };
}
