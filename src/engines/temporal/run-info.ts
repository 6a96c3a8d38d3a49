/**
 * A run as visibility shows it: its workflow's type, status, search attributes and memo (the run's
 * definition, its progress) — read without the history, so listings stay one query.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Run } from '../../domain/run.js';
import { RunStatus, isTerminal } from '../../domain/run-status.js';
import {
  PIPELINE_WORKFLOW_TYPE,
  RUN_WORKFLOW_TYPES,
  SearchAttribute,
  type RunMemo,
} from './names.js';
import { stepLinkOf } from './pipeline-steps.js';
import type { RunProgress } from './workflow-common.js';

export const saKeys = {
  scheduleId: defineSearchAttributeKey(SearchAttribute.scheduleId, SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey(SearchAttribute.status, SearchAttributeType.KEYWORD),
  trigger: defineSearchAttributeKey(SearchAttribute.trigger, SearchAttributeType.KEYWORD),
};

/** The visibility query clause that matches every goose-flow run (recipe and pipeline). */
export const RUN_TYPES_CLAUSE = `WorkflowType IN (${RUN_WORKFLOW_TYPES.map((t) => `'${t}'`).join(', ')})`;

const NO_OPTIONS: Run['options'] = {
  timeoutMs: 0,
  graceMs: 0,
  cwd: '',
  logCapBytes: 0,
  retryPolicy: {
    initialIntervalMs: 0,
    backoffCoefficient: 0,
    maximumIntervalMs: 0,
    maxAttempts: 0,
    nonRetryableErrorTypes: [],
  },
};

/** A run from its workflow's visibility record (or description). */
export function runFromInfo(info: Omit<WorkflowExecutionInfo, 'raw'>): Run {
  const memo = (info.memo?.goose ?? {}) as Partial<RunMemo>;
  const sa = info.typedSearchAttributes;
  const status = statusOf(info.status.name, sa.get(saKeys.status));
  const filled: RunMemo = {
    trigger: (sa.get(saKeys.trigger) as Run['trigger'] | undefined) ?? memo.trigger ?? 'manual',
    scheduleId: sa.get(saKeys.scheduleId) ?? memo.scheduleId ?? null,
    recipePath: memo.recipePath ?? '',
    recipeHash: memo.recipeHash ?? '',
    params: memo.params ?? {},
    options: memo.options ?? NO_OPTIONS,
    // A step's run names its pipeline run in its memo; its id (`<run>:<step>[.<item>]`) says so too.
    parent: memo.parent !== undefined ? memo.parent : idLink(info),
    resumeOf: memo.resumeOf ?? null,
  };
  const kind = info.type === PIPELINE_WORKFLOW_TYPE ? 'pipeline' : 'recipe';
  const run = runOf(
    info.workflowId,
    kind,
    filled,
    status,
    info.startTime.getTime(),
    info.closeTime?.getTime() ?? null,
  );
  const progress = info.memo?.progress as RunProgress | undefined;
  if (!progress) return run;
  return {
    ...run,
    startedAt: progress.attempts > 0 ? run.createdAt : run.startedAt,
    attemptCount: progress.attempts,
    exitCode: progress.exitCode,
    sessionId: progress.sessionId,
    error: isTerminal(status) && status !== RunStatus.succeeded ? progress.error : null,
  };
}

/** Only a workflow started by a parent is a step: a top run's id may hold a colon too (times). */
function idLink(info: Omit<WorkflowExecutionInfo, 'raw'>): Run['parent'] {
  if (!info.parentExecution) return null;
  const link = stepLinkOf(info.workflowId);
  return link && link.runId === info.parentExecution.workflowId ? link : null;
}

export function runOf(
  id: string,
  kind: Run['kind'],
  memo: RunMemo,
  status: RunStatus,
  createdAt: number,
  endedAt: number | null,
): Run {
  return {
    id,
    kind,
    parent: memo.parent ?? null,
    resumeOf: memo.resumeOf ?? null,
    status,
    trigger: memo.trigger,
    scheduleId: memo.scheduleId,
    recipePath: memo.recipePath,
    recipeHash: memo.recipeHash,
    params: memo.params,
    options: memo.options,
    createdAt,
    startedAt: status === RunStatus.pending ? null : createdAt,
    endedAt,
    attemptCount: 0,
    nextAttemptAt: null,
    sessionId: null,
    exitCode: null,
    error: null,
    cancelRequestedAt: null,
    owner: null,
  };
}

/** Temporal's execution status, refined by the status the workflow keeps in a search attribute. */
export function statusOf(execution: string, saStatus: string | undefined): RunStatus {
  switch (execution) {
    case 'COMPLETED':
      return RunStatus.succeeded;
    case 'FAILED':
      return saStatus === RunStatus.timedOut ? RunStatus.timedOut : RunStatus.failed;
    case 'CANCELLED':
    case 'TERMINATED':
      return RunStatus.cancelled;
    case 'TIMED_OUT':
      return RunStatus.timedOut;
    case 'RUNNING':
      return saStatus === RunStatus.pending || saStatus === RunStatus.retrying
        ? saStatus
        : RunStatus.running;
    default:
      return RunStatus.failed;
  }
}

export function statusClause(status: RunStatus): string {
  const sa = SearchAttribute.status;
  switch (status) {
    case RunStatus.succeeded:
      return `ExecutionStatus = 'Completed'`;
    case RunStatus.failed:
      return `ExecutionStatus = 'Failed' AND ${sa} != 'timed_out'`;
    case RunStatus.timedOut:
      return `(ExecutionStatus = 'TimedOut' OR (ExecutionStatus = 'Failed' AND ${sa} = 'timed_out'))`;
    case RunStatus.cancelled:
      return `(ExecutionStatus = 'Canceled' OR ExecutionStatus = 'Terminated')`;
    case RunStatus.pending:
    case RunStatus.retrying:
      return `ExecutionStatus = 'Running' AND ${sa} = '${status}'`;
    default:
      return `ExecutionStatus = 'Running' AND ${sa} NOT IN ('pending', 'retrying')`;
  }
}

export function quote(value: string): string {
  return value.replace(/'/g, "\\'");
}
