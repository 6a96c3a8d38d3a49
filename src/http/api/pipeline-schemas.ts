/**
 * The shapes of a pipeline run's detail (`RunDetail.pipeline`), as `pipelineJson` in
 * src/views/json.ts produces them. Registered components, so the dashboard's types name them.
 */
import { z } from '@hono/zod-openapi';
import { StepStatus as STEP_STATUS } from '../../domain/pipeline/model.js';

const IsoOrNull = z
  .string()
  .openapi({ format: 'date-time', example: '2026-11-27T06:00:00.000Z' })
  .nullable();

export const StepStatus = z
  .enum(Object.values(STEP_STATUS) as [string, ...string[]])
  .openapi('StepStatus');

/** One run of a step: the step itself, or one item of a fan-out. */
export const StepInstance = z
  .object({
    key: z
      .string()
      .openapi({ description: '`<step>` or `<step>.<item index>`', example: 'review.1' }),
    item: z.number().int().nullable().openapi({ description: 'the fan-out item, or null' }),
    status: StepStatus,
    runId: z.string().nullable().openapi({
      description: "the instance's run (`<pipeline run>:<key>`); null before it starts",
    }),
    error: z.string().nullable(),
    carriedFrom: z
      .string()
      .nullable()
      .openapi({ description: 'the run it was carried over from by a resume (not run again)' }),
    startedAt: IsoOrNull,
    endedAt: IsoOrNull,
    durationMs: z.number().nullable(),
    attempts: z.number().int().nullable(),
  })
  .openapi('StepInstance');

export const PipelineStep = z
  .object({
    id: z.string(),
    role: z.enum(['step', 'handler']).openapi({
      description: '`handler`: runs only when a failure or a hook names it',
    }),
    status: StepStatus,
    needs: z.array(z.string()),
    reason: z
      .string()
      .nullable()
      .openapi({ description: 'why it was skipped, or failed without a run' }),
    items: z.number().int().nullable().openapi({ description: "a fan-out's items, once known" }),
    output: z.unknown().openapi({ description: 'what it handed over (any JSON); null if nothing' }),
    instances: z.array(StepInstance),
  })
  .openapi('PipelineStep');

export const PipelineDetail = z
  .object({
    name: z.string(),
    steps: z.array(PipelineStep).openapi({ description: 'the steps in file order, then handlers' }),
  })
  .openapi('PipelineDetail');

/** A step's run: the pipeline run it belongs to. */
export const StepLink = z
  .object({
    runId: z.string(),
    step: z.string(),
    item: z.number().int().nullable(),
  })
  .openapi('StepLink');
