/**
 * What a pipeline run's workflow history says about its steps: which child workflows it started
 * and how each ended (with its output, from the child's result), what it carried over, and the
 * timeline events the embedded engine writes for a pipeline (`pipeline_started`, `step_started`,
 * `step_ended`). Read with the workflow's own rules (pipeline-steps.ts), so the results here are
 * the ones the workflow planned with.
 */
import type { temporal } from '@temporalio/proto';
import { EventType, type RunEvent } from '../../domain/run.js';
import { StepStatus, type StepResult } from '../../domain/pipeline/model.js';
import { decodePayload, tsMs } from './history.js';
import type { GoosePipelineInput } from './names.js';
import {
  STEP_TIMED_OUT,
  startFailed,
  stepLinkOf,
  stepOf,
  stepResultOf,
  type ChildEnd,
} from './pipeline-steps.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure | null | undefined;

export interface PipelineHistory {
  /** The workflow's input (the compiled pipeline, params, what a resume carried). */
  readonly input: GoosePipelineInput | undefined;
  /** Carried-over results first, then each started step instance, by instance key. */
  readonly results: Map<string, StepResult>;
  /** `pipeline_started`, `step_started`, `step_ended` (without seq: the timeline numbers them). */
  readonly events: Omit<RunEvent, 'seq'>[];
  /** The run's result, once it completed. */
  readonly result: unknown;
}

export function readPipelineHistory(
  runId: string,
  history: readonly HistoryEvent[],
): PipelineHistory {
  let input: GoosePipelineInput | undefined;
  let result: unknown;
  const results = new Map<string, StepResult>();
  const events: Omit<RunEvent, 'seq'>[] = [];
  const push = (at: number, type: RunEvent['type'], data: Record<string, unknown>) =>
    events.push({ runId, at, type, attempt: null, data });
  const end = (at: number, workflowId: string | null | undefined, how: ChildEnd) => {
    const step = instanceOf(runId, workflowId);
    if (!step) return;
    const kind = (input && stepOf(input.pipeline, step.link.step)?.recipe.kind) ?? 'recipe';
    results.set(step.key, stepResultOf(step.key, workflowId!, kind, how));
    push(at, EventType.stepEnded, { ...step.data, status: runStatusOf(how) });
  };
  let began = false;
  for (const event of history) {
    const at = tsMs(event.eventTime as never) ?? 0;
    const started = event.workflowExecutionStartedEventAttributes;
    if (started) {
      input = decodePayload<GoosePipelineInput>(started.input?.payloads?.[0]);
      for (const c of input?.resume?.carried ?? []) results.set(c.key, c);
    } else if (event.workflowTaskCompletedEventAttributes && !began) {
      // The first workflow task a worker completed: the pipeline began driving its steps.
      began = true;
      push(at, EventType.pipelineStarted, {
        pipeline: input?.pipeline.name ?? null,
        steps: input?.pipeline.steps.length ?? null,
      });
    } else if (event.startChildWorkflowExecutionInitiatedEventAttributes) {
      const id = event.startChildWorkflowExecutionInitiatedEventAttributes.workflowId;
      const step = instanceOf(runId, id);
      if (!step) continue;
      results.set(step.key, {
        key: step.key,
        runId: id!,
        status: StepStatus.running,
        carriedFrom: null,
      });
      push(at, EventType.stepStarted, step.data);
    } else if (event.startChildWorkflowExecutionFailedEventAttributes) {
      const attrs = event.startChildWorkflowExecutionFailedEventAttributes;
      end(at, attrs.workflowId, {
        how: 'failed',
        type: null,
        message: startFailed(attrs.workflowId ?? ''),
      });
    } else if (event.childWorkflowExecutionCompletedEventAttributes) {
      const attrs = event.childWorkflowExecutionCompletedEventAttributes;
      end(at, attrs.workflowExecution?.workflowId, {
        how: 'completed',
        result: decodePayload(attrs.result?.payloads?.[0]) ?? null,
      });
    } else if (event.childWorkflowExecutionFailedEventAttributes) {
      const attrs = event.childWorkflowExecutionFailedEventAttributes;
      end(at, attrs.workflowExecution?.workflowId, failedEnd(attrs.failure));
    } else if (event.childWorkflowExecutionCanceledEventAttributes) {
      const attrs = event.childWorkflowExecutionCanceledEventAttributes;
      end(at, attrs.workflowExecution?.workflowId, { how: 'cancelled', message: null });
    } else if (event.childWorkflowExecutionTimedOutEventAttributes) {
      const attrs = event.childWorkflowExecutionTimedOutEventAttributes;
      end(at, attrs.workflowExecution?.workflowId, {
        how: 'timed_out',
        message: STEP_TIMED_OUT,
      });
    } else if (event.childWorkflowExecutionTerminatedEventAttributes) {
      const attrs = event.childWorkflowExecutionTerminatedEventAttributes;
      end(at, attrs.workflowExecution?.workflowId, { how: 'cancelled', message: 'terminated' });
    } else if (event.workflowExecutionCompletedEventAttributes) {
      result = decodePayload(event.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]);
    }
  }
  return { input, results, events, result };
}

function instanceOf(runId: string, workflowId: string | null | undefined) {
  if (!workflowId || !workflowId.startsWith(`${runId}:`)) return null;
  const link = stepLinkOf(workflowId);
  if (!link || link.runId !== runId) return null;
  const key = workflowId.slice(runId.length + 1);
  return { link, key, data: { step: link.step, item: link.item, runId: workflowId } };
}

function failedEnd(failure: Failure): ChildEnd {
  return {
    how: 'failed',
    type: failure?.applicationFailureInfo?.type ?? null,
    message: failure?.message ?? 'the step failed',
  };
}

/** The status of the step's run (as `step_ended` reports it on the embedded engine). */
function runStatusOf(end: ChildEnd): string {
  switch (end.how) {
    case 'completed':
      return 'succeeded';
    case 'failed':
      return end.type === 'TimedOut' ? 'timed_out' : 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'timed_out':
      return 'timed_out';
  }
}
