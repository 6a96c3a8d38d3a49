/**
 * The REST API's shapes, as zod schemas: they validate requests and produce the OpenAPI document.
 * Response schemas describe exactly what `src/views/json.ts` produces (the CLI's `--json` shapes).
 */
import { z } from '@hono/zod-openapi';
import { OVERLAP_POLICIES, type OverlapPolicy } from '../../domain/schedule/model.js';
import { RUN_STATUSES } from '../../domain/run-status.js';
import { PipelineDetail, StepLink } from './pipeline-schemas.js';

export {
  PipelineDetail,
  PipelineStep,
  StepInstance,
  StepLink,
  StepStatus,
} from './pipeline-schemas.js';

const Iso = z.string().openapi({ format: 'date-time', example: '2026-11-27T06:00:00.000Z' });
const IsoOrNull = Iso.nullable();
/** A time a client sends: RFC 3339 with `Z` or an offset, checked (not only documented). */
const IsoIn = z
  .preprocess(
    // RFC 3339 allows a lowercase `t` and `z`.
    (v) => (typeof v === 'string' ? v.toUpperCase() : v),
    z.iso.datetime({
      offset: true,
      message: 'expected an RFC 3339 time, e.g. 2026-11-27T06:00:00Z',
    }),
  )
  .openapi({ type: 'string', format: 'date-time', example: '2026-11-27T06:00:00Z' });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'schedule_not_found' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  })
  .openapi('Error');

export const RunStatus = z.enum(RUN_STATUSES as [string, ...string[]]).openapi('RunStatus');
export const Overlap = z
  .enum(OVERLAP_POLICIES as [OverlapPolicy, ...OverlapPolicy[]])
  .openapi('OverlapPolicy');

const RunFields = {
  id: z.string(),
  kind: z.enum(['recipe', 'pipeline']).openapi({
    description: '`pipeline`: the run executes a pipeline file, its steps each a run of its own',
  }),
  // A union, not `StepLink.nullable()`: that is published as allOf [StepLink, nullable].
  pipelineRun: z.union([StepLink, z.null()]).openapi({
    description: "a step's run: its pipeline run, step and fan-out item; null for any other run",
  }),
  resumeOf: z
    .string()
    .nullable()
    .openapi({ description: 'a resumed pipeline run: the run it continues' }),
  status: RunStatus,
  trigger: z.enum(['manual', 'schedule', 'backfill']),
  scheduleId: z.string().nullable(),
  recipe: z.string(),
  recipeHash: z.string(),
  params: z.record(z.string(), z.string()),
  createdAt: IsoOrNull,
  startedAt: IsoOrNull,
  endedAt: IsoOrNull,
  durationMs: z.number().nullable(),
  attempts: z.number().int(),
  sessionId: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  error: z.string().nullable(),
};
export const Run = z.object(RunFields).openapi('Run');

export const Attempt = z
  .object({
    number: z.number().int(),
    status: z.string(),
    pid: z.number().int().nullable(),
    startedAt: IsoOrNull,
    endedAt: IsoOrNull,
    durationMs: z.number().nullable(),
    deadlineAt: IsoOrNull,
    heartbeatAt: IsoOrNull,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    failure: z.string().nullable(),
    log: z.object({ path: z.string(), bytes: z.number().int(), truncated: z.boolean() }),
  })
  .openapi('Attempt');

export const RunEvent = z
  .object({
    seq: z.number().int(),
    at: IsoOrNull,
    type: z.string(),
    attempt: z.number().int().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('RunEvent');

// Not `Run.extend`: that is published as allOf [Run, …] and `attempts` (a count in Run, the list
// here) would have to be both.
export const RunDetail = z
  .object({
    ...RunFields,
    options: z.object({
      timeoutMs: z.number(),
      graceMs: z.number(),
      cwd: z.string(),
      logCapBytes: z.number(),
      retryPolicy: z.object({
        initialIntervalMs: z.number(),
        backoffCoefficient: z.number(),
        maximumIntervalMs: z.number(),
        maxAttempts: z.number(),
        nonRetryableErrorTypes: z.array(z.string()),
      }),
    }),
    attempts: z.array(Attempt),
    timeline: z.array(RunEvent),
    live: z
      .object({
        attempt: z.number().int(),
        host: z.string().nullable(),
        pid: z.number().int().nullable(),
        sessionId: z.string().nullable(),
        logPath: z.string().nullable(),
        tail: z.string().nullable(),
      })
      .nullable(),
    output: z.unknown().openapi({
      description:
        "what the run handed over (any JSON): a step's output, a pipeline's outputs by step; null if none",
    }),
    pipeline: z.union([PipelineDetail, z.null()]).openapi({
      description: "a pipeline run's steps and their runs; null for a recipe run",
    }),
  })
  .openapi('RunDetail');

export const RunPage = z
  .object({
    runs: z.array(Run),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'pass as `cursor` for the next page; null on the last one' }),
  })
  .openapi('RunPage');

export const Schedule = z
  .object({
    id: z.string(),
    cron: z.string(),
    timezone: z.string(),
    jitterMs: z.number(),
    start: IsoOrNull,
    end: IsoOrNull,
    overlap: Overlap,
    catchupWindowMs: z.number(),
    catchup: z.enum(['all', 'latest']),
    pauseOnFailure: z.boolean(),
    paused: z.boolean(),
    note: z.string().nullable(),
    remainingActions: z.number().int().nullable(),
    recipe: z.string(),
    recipeHash: z.string(),
    followSource: z.boolean(),
    params: z.record(z.string(), z.string()),
    timeoutMs: z.number(),
    maxAttempts: z.number().int(),
    cwd: z.string().nullable(),
    mode: z.enum(['background', 'foreground']),
    createdAt: IsoOrNull,
    updatedAt: IsoOrNull,
    nextRuns: z.array(IsoOrNull),
  })
  .openapi('Schedule');

/** A schedule as the listing gives it: with its cron in words. */
export const ScheduleListItem = Schedule.extend({
  description: z.string().openapi({ example: 'At 02:00' }),
}).openapi('ScheduleListItem');

export const SchedulePage = z
  .object({
    schedules: z.array(ScheduleListItem),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'pass as `cursor` for the next page; null on the last one' }),
  })
  .openapi('SchedulePage');

export const Decision = z
  .object({
    scheduledAt: IsoOrNull,
    source: z.enum(['schedule', 'trigger', 'backfill']),
    decision: z.string(),
    runId: z.string().nullable(),
    decidedAt: IsoOrNull,
    releasedAt: IsoOrNull,
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('Decision');

export const ScheduleDetail = Schedule.extend({
  description: z.string(),
  waiting: z.number().int(),
  recentRuns: z.array(Run),
  decisions: z.array(Decision),
  moreDecisions: z.string().nullable().openapi({
    description: 'pass as `before` for the next, older page of decisions; null: no more',
  }),
  counts: z
    .object({ taken: z.number(), skippedOverlap: z.number(), missedCatchup: z.number() })
    .nullable(),
}).openapi('ScheduleDetail');

const Duration = z
  .string()
  .openapi({ example: '30m', description: 'a duration: 500ms, 90s, 30m, 1h30m, 2h, 1d' });

/** The fields a schedule is defined by; on PATCH every one is optional and absent ones stay. */
const ScheduleFields = {
  cron: z.string().min(1).openapi({
    example: '0 2 * * *',
    description: '5/6/7 cron fields, a macro, or @every <duration>',
  }),
  recipe: z.string().min(1).openapi({ description: 'path of the recipe file on the server host' }),
  timezone: z.string().openapi({ example: 'Europe/Berlin' }),
  jitter: Duration,
  start: IsoIn,
  end: IsoIn,
  overlap: Overlap,
  catchupWindow: Duration,
  catchup: z.enum(['all', 'latest']),
  pauseOnFailure: z.boolean(),
  paused: z.boolean(),
  note: z.string().max(1000),
  remaining: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  params: z.record(z.string(), z.string()),
  timeout: Duration,
  retries: z.number().int().min(0).max(100),
  cwd: z.string(),
  mode: z.enum(['background', 'foreground']),
  followSource: z.boolean(),
};

export const ScheduleCreate = z
  .object({
    id: z.string().openapi({ example: 'nightly' }),
    ...ScheduleFields,
    timezone: ScheduleFields.timezone.optional(),
    jitter: Duration.optional(),
    start: IsoIn.optional(),
    end: IsoIn.optional(),
    overlap: Overlap.optional(),
    catchupWindow: Duration.optional(),
    catchup: ScheduleFields.catchup.optional(),
    pauseOnFailure: z.boolean().optional(),
    paused: z.boolean().optional(),
    note: ScheduleFields.note.optional(),
    remaining: ScheduleFields.remaining.optional(),
    params: ScheduleFields.params.optional(),
    timeout: Duration.optional(),
    retries: ScheduleFields.retries.optional(),
    cwd: z.string().optional(),
    mode: ScheduleFields.mode.optional(),
    followSource: z.boolean().optional(),
  })
  .strict()
  .openapi('ScheduleCreate');

export const SchedulePatch = z.object(ScheduleFields).partial().strict().openapi('SchedulePatch');

export const Note = z
  .object({ note: z.string().max(1000).optional() })
  .strict()
  .openapi('Note');
export const TriggerBody = z.object({ overlap: Overlap.optional() }).strict().openapi('Trigger');
export const BackfillBody = z
  .object({ from: IsoIn, to: IsoIn, overlap: Overlap.optional() })
  .strict()
  .openapi('Backfill');

export const TriggerResult = z
  // A union, not `Run.nullable()`: that is published as allOf [Run, nullable], which refuses null.
  .object({ decision: z.string(), run: z.union([Run, z.null()]) })
  .openapi('TriggerResult');
export const BackfillResult = z
  .object({
    decided: z.array(
      z.object({
        scheduledAt: Iso,
        decision: z.string(),
        runId: z.string().nullable(),
        already: z.boolean(),
      }),
    ),
    requestedOnServer: z.boolean(),
  })
  .openapi('BackfillResult');

export const RecipeCheck = z
  .object({ recipe: z.string().min(1), params: z.record(z.string(), z.string()).optional() })
  .strict()
  .openapi('RecipeCheck');
const Problem = z
  .object({
    severity: z.enum(['error', 'warning']),
    code: z.string(),
    message: z.string(),
    path: z.string(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
    allowed: z.array(z.string()).optional(),
    file: z.string().optional().openapi({
      description:
        'the file the problem is in when it is not the one validated: a pipeline step’s recipe',
    }),
  })
  .openapi('RecipeProblem');

export const RecipeVerdict = z
  .object({
    file: z.string(),
    format: z.enum(['yaml', 'json']),
    valid: z.boolean(),
    headless: z.object({ ok: z.boolean(), reasons: z.array(z.string()) }),
    params: z.record(z.string(), z.string()),
    errors: z.array(Problem),
    warnings: z.array(Problem),
  })
  .openapi('RecipeVerdict');

export const Status = z
  .object({
    engine: z.enum(['embedded', 'temporal']),
    schedules: z.object({
      total: z.number().int(),
      active: z.number().int(),
      paused: z.number().int(),
    }),
    runs: z.object({ active: z.number().int() }),
    temporal: z
      .object({
        address: z.string(),
        namespace: z.string(),
        taskQueue: z.string(),
        workers: z.number().int(),
      })
      .nullable(),
    daemon: z.object({ pid: z.number().int(), since: z.string() }).nullable().openapi({
      description: 'the embedded daemon of this data dir (null: none runs, or Temporal)',
    }),
    systemJobs: z
      .array(
        z.object({
          name: z.string(),
          everyMs: z.number().int(),
          lastStartedAt: z.string().nullable(),
          lastFinishedAt: z.string().nullable(),
          lastResult: z.record(z.string(), z.unknown()).nullable(),
        }),
      )
      .openapi({ description: "the embedded engine's maintenance jobs (none on Temporal)" }),
  })
  .openapi('Status');

export const LogChunk = z
  .object({
    attempt: z.number().int(),
    offset: z.number().int(),
    nextOffset: z.number().int(),
    size: z.number().int(),
    data: z.string(),
    complete: z
      .boolean()
      .openapi({ description: 'true when the attempt has ended and nextOffset is its end' }),
  })
  .openapi('LogChunk');

/** A schedule as `POST /schedules` takes it, to preview: the id and the recipe are optional. */
export const SchedulePreviewInput = z
  .object({
    ...ScheduleCreate.shape,
    id: z.string().optional().openapi({
      description: 'given: checked as a new id (free, well-formed); omit it when editing',
    }),
    recipe: ScheduleFields.recipe.optional(),
  })
  .strict()
  .openapi('SchedulePreviewInput');

export const FieldProblem = z
  .object({
    field: z.string().openapi({ example: 'cron', description: 'the body field it is about' }),
    message: z.string(),
  })
  .openapi('FieldProblem');

export const RecipeParameter = z
  .object({
    name: z.string(),
    inputType: z.string(),
    requirement: z.string().openapi({ description: 'required, optional or user_prompt' }),
    default: z.string().nullable(),
    description: z.string(),
    options: z.array(z.string()).nullable(),
  })
  .openapi('RecipeParameter');

export const SchedulePreview = z
  .object({
    valid: z.boolean(),
    errors: z.array(FieldProblem),
    warnings: z.array(z.string()),
    timezone: z.string().nullable().openapi({ description: 'the zone the times are read in' }),
    next: z.array(z.string()).openapi({
      description: "the next 10 scheduled times (without jitter), with the zone's UTC offset",
    }),
    dstNotes: z.array(z.object({ at: z.string(), note: z.string() })),
    describe: z.string().nullable().openapi({ example: 'At 02:30' }),
    parameters: z.array(RecipeParameter).nullable().openapi({
      description: 'the parameters the recipe declares (null: no recipe given, or unreadable)',
    }),
  })
  .openapi('SchedulePreview');

export const RunStart = z
  .object({
    recipe: z
      .string()
      .min(1)
      .openapi({ description: 'path of the recipe file on the server host' }),
    params: z.record(z.string(), z.string()).optional(),
    timeout: Duration.optional(),
    retries: z.number().int().min(0).max(100).optional(),
  })
  .strict()
  .openapi('RunStart');

export const RunRecipe = z
  .object({
    path: z.string().openapi({ description: 'where the recipe was read from' }),
    hash: z.string(),
    content: z.string().openapi({ description: 'the entry file as the run executed it' }),
    truncated: z.boolean().openapi({ description: 'true when a file was cut at 256 KiB' }),
    files: z
      .array(z.object({ path: z.string(), content: z.string() }))
      .openapi({ description: 'the sub-recipes shipped with it (paths relative to the entry)' }),
  })
  .openapi('RunRecipe');

export const RunStatsOutcome = z.object({
  succeeded: z.number().int(),
  failed: z.number().int(),
  timed_out: z.number().int(),
  cancelled: z.number().int(),
  active: z.number().int(),
});

export const RunStats = z
  .object({
    hours: z.number().int(),
    from: Iso,
    to: Iso,
    buckets: z.array(RunStatsOutcome.extend({ hour: Iso })).openapi({
      description: 'one per hour, oldest first; `hour` is its start (UTC)',
    }),
    totals: RunStatsOutcome,
    complete: z.boolean().openapi({
      description: 'false when the window held more runs than are counted (50,000)',
    }),
  })
  .openapi('RunStats');
