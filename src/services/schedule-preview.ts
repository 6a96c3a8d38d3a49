/**
 * What a schedule would be, without creating it (`POST /api/v1/schedules/preview`, the dashboard's
 * form): every problem at its field, the engine's warnings, the next fires and the clock changes
 * among them, and the recipe's declared parameters.
 */
import { resolve } from 'node:path';
import { GooseFlowError } from '../domain/errors.js';
import { checkCount, checkDuration, CountLimit, DurationLimit } from '../domain/limits.js';
import type { Parameter } from '../domain/recipe/model.js';
import { dstNotes, type DstNote } from '../domain/schedule/dst-notes.js';
import { ExecutionMode, type ScheduleAction } from '../domain/schedule/model.js';
import { compileSpec, SpecError, type ScheduleSpec } from '../domain/schedule/spec.js';
import type { ScheduleDraft } from '../domain/schedule/transfer-draft.js';
import type { NewSchedule } from '../engines/ports.js';
import type { RecipeService } from './recipes.js';

/** A problem of a draft, at the field it is about (domain names: `expression`, `params.<key>`). */
export interface DraftProblem {
  readonly field: string;
  readonly message: string;
}

/** What a schedule would be, without creating it: problems by field, next fires, clock changes. */
export interface SchedulePreview {
  readonly errors: readonly DraftProblem[];
  readonly warnings: readonly string[];
  readonly spec: ScheduleSpec | null;
  /** Scheduled times (without jitter), ascending. */
  readonly next: readonly number[];
  readonly dstNotes: readonly DstNote[];
  /** The parameters the recipe declares; null without a readable recipe. */
  readonly parameters: readonly Parameter[] | null;
}

const PREVIEW_FIRES = 10;

/** The ranges every face shares (domain/limits.ts), checked once more whatever face built the draft. */
export function checkDraftLimits(draft: ScheduleDraft): void {
  checkDuration(draft.jitterMs, 'jitter', DurationLimit.jitter);
  checkDuration(draft.catchupWindowMs, 'catch-up window', DurationLimit.catchupWindow);
  if (draft.timeoutMs !== null) checkDuration(draft.timeoutMs, 'timeout', DurationLimit.timeout);
  if (draft.retries !== null) checkCount(draft.retries, 'retries', CountLimit.retries);
  if (draft.remainingActions !== null)
    checkCount(draft.remainingActions, 'remaining', CountLimit.remainingActions);
}

/** What the preview needs from the schedule service (the same checks as `add`). */
export interface PreviewDeps {
  checkNewId(id: string): Promise<void>;
  specOf(draft: ScheduleDraft): ScheduleSpec;
  warningsFor(
    schedule: Pick<NewSchedule, 'id' | 'spec' | 'policies' | 'action' | 'state'>,
  ): string[];
  readonly recipes: RecipeService;
  readonly now: number;
}

export async function previewDraft(
  deps: PreviewDeps,
  draft: ScheduleDraft,
  options: { checkId: boolean },
): Promise<SchedulePreview> {
  const errors: DraftProblem[] = [];
  const problem = (err: unknown, fallback: string) => {
    if (!(err instanceof GooseFlowError)) throw err;
    const field = typeof err.details.field === 'string' ? err.details.field : fallback;
    errors.push({ field, message: err.message });
  };
  if (options.checkId) {
    try {
      await deps.checkNewId(draft.id);
    } catch (err) {
      problem(err, 'id');
    }
  }
  try {
    checkDraftLimits(draft);
  } catch (err) {
    problem(err, '(body)');
  }
  let spec: ScheduleSpec | null = null;
  try {
    spec = deps.specOf(draft);
  } catch (err) {
    problem(err, 'expression');
    // An unknown zone hides the cron's own problems: read it in UTC to find them too.
    if (err instanceof SpecError && err.details.field === 'timezone') {
      try {
        deps.specOf({ ...draft, timezone: 'UTC' });
      } catch (again) {
        problem(again, 'expression');
      }
    }
  }
  let parameters: readonly Parameter[] | null = null;
  let hint: { foreground?: boolean; fallback_to_background?: boolean } | undefined;
  // Relative recipe paths mean the same as in `add`: against the server's working directory.
  if (draft.recipePath) {
    try {
      const inspected = await deps.recipes.inspectChecked(resolve(draft.recipePath), draft.params);
      const { report } = inspected;
      parameters = inspected.parameters;
      hint = inspected.schedule;
      for (const p of report.errors)
        errors.push({
          field: p.path.startsWith('params.') ? p.path : 'recipe',
          message: p.path.startsWith('params.') ? p.message : `${p.path || 'recipe'}: ${p.message}`,
        });
      if (report.errors.length === 0 && !report.headless.ok)
        for (const reason of report.headless.reasons) {
          const key = /^parameter `([^`]+)`/.exec(reason)?.[1];
          errors.push({ field: key ? `params.${key}` : 'recipe', message: reason });
        }
    } catch (err) {
      errors.push({ field: 'recipe', message: (err as Error).message });
    }
  }
  const warnings: string[] = [];
  if (spec) {
    try {
      warnings.push(
        ...deps.warningsFor({
          id: draft.id,
          spec,
          policies: {
            overlap: draft.overlap,
            catchupWindowMs: draft.catchupWindowMs,
            catchupLatestOnly: draft.catchupLatestOnly,
            pauseOnFailure: draft.pauseOnFailure,
          },
          state: {
            paused: draft.paused,
            note: draft.note,
            remainingActions: draft.remainingActions,
          },
          action: {
            mode:
              draft.mode === ExecutionMode.foreground || hint?.foreground
                ? ExecutionMode.foreground
                : ExecutionMode.background,
            fallbackToBackground: hint?.fallback_to_background ?? true,
          } as ScheduleAction,
        }),
      );
    } catch (err) {
      problem(err, 'expression');
    }
  }
  const now = deps.now;
  const next: number[] = [];
  if (spec) {
    const compiled = compileSpec(spec);
    const count = Math.min(PREVIEW_FIRES, draft.remainingActions ?? PREVIEW_FIRES);
    for (let t = compiled.next(now); t !== null && next.length < count; t = compiled.next(t))
      next.push(t);
  }
  return {
    errors,
    warnings,
    spec,
    next,
    dstNotes: spec ? dstNotes(spec, now, next) : [],
    parameters,
  };
}
