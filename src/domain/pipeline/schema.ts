/** zod shapes of a pipeline file. Unknown fields are errors: the format is ours, a typo must not pass. */
import { z } from 'zod';
import { ParameterSchema } from '../recipe/schema.js';

const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());
const nonEmpty = z.string().trim().min(1);

const StepFields = {
  id: nonEmpty,
  recipe: nonEmpty,
  params: opt(z.record(z.string(), z.unknown())),
  if: opt(z.union([z.string(), z.boolean()])),
  retries: opt(z.int().min(0).max(20)),
  timeout: opt(nonEmpty),
  on_failure: opt(nonEmpty),
};

export const StepSchema = z.strictObject({
  ...StepFields,
  needs: opt(z.union([nonEmpty, z.array(nonEmpty)])),
  for_each: opt(z.unknown()),
  max_parallel: opt(z.int().min(1).max(100)),
});

export const HandlerSchema = z.strictObject(StepFields);

export const PipelineSchema = z.strictObject({
  version: opt(z.union([z.string(), z.number()])),
  name: opt(nonEmpty),
  description: opt(z.string()),
  parameters: opt(z.array(ParameterSchema)),
  timeout: opt(nonEmpty),
  steps: z.array(z.unknown()).min(1).max(100),
  handlers: opt(z.array(z.unknown()).max(20)),
  on_success: opt(nonEmpty),
  on_failure: opt(nonEmpty),
  on_cancel: opt(nonEmpty),
  on_exit: opt(nonEmpty),
});

export type StepInput = z.infer<typeof StepSchema>;
export type HandlerInput = z.infer<typeof HandlerSchema>;
export type PipelineInput = z.infer<typeof PipelineSchema>;

export const HOOKS = ['on_success', 'on_failure', 'on_cancel', 'on_exit'] as const;

/** A document is a pipeline when it has a top-level `steps` list (a recipe never has one). */
export function isPipelineDocument(document: unknown): boolean {
  return (
    typeof document === 'object' &&
    document !== null &&
    !Array.isArray(document) &&
    Array.isArray((document as Record<string, unknown>).steps)
  );
}
