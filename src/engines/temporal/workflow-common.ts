/** What every goose-flow workflow shares: its signals and the status it keeps in a search attribute. */
import { defineSignal, upsertSearchAttributes } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  KILL_SIGNAL,
  MARK_SIGNAL,
  SearchAttribute,
  type GooseJobInput,
  type GooseJobResult,
  type GoosePipelineInput,
  type PipelineSource,
} from './names.js';

/** The activities goose-flow's workflows call (registered by every worker). */
export interface GooseJobActivities {
  runRecipe(input: GooseJobInput): Promise<GooseJobResult>;
  /** `--follow-source`: the pipeline file as it is now on the worker's host; null: keep the snapshot. */
  refreshPipeline(input: GoosePipelineInput): Promise<PipelineSource | null>;
}

export const killSignal = defineSignal<[{ reason: string }]>(KILL_SIGNAL);
export const markSignal = defineSignal<[{ trigger: 'manual' }]>(MARK_SIGNAL);

export const statusKey = defineSearchAttributeKey(
  SearchAttribute.status,
  SearchAttributeType.KEYWORD,
);
export const triggerKey = defineSearchAttributeKey(
  SearchAttribute.trigger,
  SearchAttributeType.KEYWORD,
);

export function setStatus(status: string): void {
  upsertSearchAttributes([{ key: statusKey, value: status }]);
}

/** What listings show of a run without reading its history (kept in the workflow's memo). */
export interface RunProgress {
  attempts: number;
  exitCode: number | null;
  sessionId: string | null;
  error: string | null;
}
