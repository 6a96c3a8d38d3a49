/**
 * The Temporal engine's side of pipeline runs: what a GoosePipelineWorkflow is started with, and
 * how a pipeline run (its steps, outputs and timeline) is read back from the server — the memo for
 * the steps, the history for the outputs and events — without a worker.
 */
import type { temporal } from '@temporalio/proto';
import { StepStatus, type CompiledPipeline, type StepResult } from '../../domain/pipeline/model.js';
import { planPipeline, standing, type StepView } from '../../domain/pipeline/plan.js';
import { EventType, type Run } from '../../domain/run.js';
import type { PipelineDetail, RunDetail } from '../contract.js';
import type { NewRun } from '../ports.js';
import { inTimeOrder, type Timeline } from './history.js';
import type { GooseJobInput, GoosePipelineInput, RecipeFile } from './names.js';
import { fromMemo, type PipelineMemo } from './pipeline-memo.js';
import { readPipelineHistory, type PipelineHistory } from './pipeline-history.js';
import { stepRecipeFiles } from './pipeline-steps.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** What the engine needs to start pipeline runs (injected: engines read no recipe files). */
export interface PipelineSources {
  /** The compiled pipeline of a snapshot's entry file. */
  readonly pipelineAt: (entry: string) => CompiledPipeline;
  /** The content hash of a set of snapshot files (as the recipe store names a snapshot). */
  readonly snapshotHash: (files: readonly RecipeFile[]) => string;
}

/** The compiled form travels with the files; together they stay well under Temporal's 2 MB. */
const MAX_PIPELINE_BYTES = 512 * 1024;

export function pipelineInput(
  job: GooseJobInput,
  run: Pick<NewRun, 'recipeEntry' | 'recipePath' | 'resume'>,
  sources: PipelineSources,
): GoosePipelineInput {
  const pipeline = sources.pipelineAt(run.recipeEntry);
  const size = JSON.stringify(pipeline).length;
  if (size > MAX_PIPELINE_BYTES)
    throw new Error(
      `the compiled pipeline ${run.recipePath} is ${Math.round(size / 1024)} KB; the Temporal engine ships it in the workflow input, which allows at most ${MAX_PIPELINE_BYTES / 1024} KB`,
    );
  return {
    ...job,
    pipeline,
    resume: run.resume ?? null,
    stepHashes: stepHashes(pipeline, job.recipeFiles, sources.snapshotHash),
  };
}

/** Each recipe step's snapshot hash, for every step of the pipeline and of the pipelines it runs. */
export function stepHashes(
  pipeline: CompiledPipeline,
  files: readonly RecipeFile[],
  hash: PipelineSources['snapshotHash'],
): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (p: CompiledPipeline) => {
    for (const step of [...p.steps, ...p.handlers]) {
      const { recipe } = step;
      if (recipe.kind === 'pipeline' && recipe.pipeline) visit(recipe.pipeline);
      else if (!(recipe.file in out)) {
        const own = stepRecipeFiles(files, recipe);
        if (own.length > 0) out[recipe.file] = hash(own);
      }
    }
  };
  visit(pipeline);
  return out;
}

/** A pipeline run's detail: no attempts of its own; its steps, outputs and timeline. */
export function pipelineDetail(
  base: Run,
  memo: PipelineMemo | undefined,
  history: readonly HistoryEvent[],
  timeline: Timeline,
): RunDetail {
  const read = readPipelineHistory(base.id, history);
  const error = base.error ?? (base.status === 'succeeded' ? null : timeline.error);
  // As the embedded engine settles a pipeline: its end says why it did not succeed.
  const own = timeline.events.map((e) =>
    e.type === EventType.completed && error && !e.data.error
      ? { ...e, data: { ...e.data, error } }
      : e,
  );
  const events = inTimeOrder([...own, ...read.events.map((e) => ({ ...e, seq: 0 }))]);
  const result = read.result as { output?: unknown } | undefined;
  return {
    run: { ...base, error, cancelRequestedAt: timeline.cancelRequestedAt },
    attempts: [],
    events,
    live: null,
    pipeline: pipelineView(base, memo, read),
    output: base.status === 'succeeded' && result?.output ? { value: result.output } : null,
  };
}

function pipelineView(
  base: Run,
  memo: PipelineMemo | undefined,
  read: PipelineHistory,
): PipelineDetail | null {
  if (memo) return { name: memo.name, steps: withOutputs(fromMemo(base.id, memo), read.results) };
  if (!read.input) return null;
  // Not picked up by a worker yet: how it stands before it starts, as the planner sees it.
  const { pipeline, params } = read.input;
  const plan = planPipeline({ pipeline, params, results: read.results, stopping: null });
  const steps = standing(plan);
  return { name: pipeline.name, steps };
}

/** The memo keeps no outputs: a succeeded step's comes from its child's result (in the history). */
function withOutputs(steps: StepView[], results: ReadonlyMap<string, StepResult>): StepView[] {
  const out = (key: string) => results.get(key)?.output ?? null;
  return steps.map((s) => {
    if (s.status !== StepStatus.succeeded) return s;
    return { ...s, output: s.items !== null ? s.instances.map((i) => out(i.key)) : out(s.id) };
  });
}

/** A pipeline run's step instances as its workflow saw them, outputs and all (for `resume`). */
export function pipelineResults(runId: string, history: readonly HistoryEvent[]): StepResult[] {
  return [...readPipelineHistory(runId, history).results.values()];
}
