/**
 * The template routes' shapes (`GET /templates`, `GET /templates/{name}`, `POST
 * /templates/{name}/use`): exactly what `src/views/templates.ts` produces.
 */
import { z } from '@hono/zod-openapi';
import { RecipeParameter, RecipeVerdict, Schedule } from './schemas.js';

const TemplateFields = {
  name: z.string().openapi({ example: 'repo-digest' }),
  title: z.string(),
  description: z.string(),
  kind: z.enum(['recipe', 'pipeline']),
  entry: z
    .string()
    .openapi({ description: 'the recipe or pipeline file, relative to the template folder' }),
  schedule: z
    .object({
      cron: z.string().openapi({ example: '0 8 * * *' }),
      description: z.string().openapi({ example: 'every day at 08:00' }),
    })
    .openapi({ description: 'the suggested schedule' }),
  tags: z.array(z.string()),
  source: z
    .enum(['builtin', 'user'])
    .openapi({ description: "built-in, or from the user's templates directory" }),
  dir: z.string().openapi({ description: "the template's folder on the server host" }),
  note: z
    .string()
    .nullable()
    .openapi({ description: 'e.g. that a user template shadows the built-in one of its name' }),
};

export const Template = z.object(TemplateFields).openapi('Template');

export const TemplateList = z
  .object({
    templates: z.array(Template),
    problems: z
      .array(
        z.object({ name: z.string(), source: z.enum(['builtin', 'user']), message: z.string() }),
      )
      .openapi({ description: 'template folders that could not be read, and why' }),
  })
  .openapi('TemplateList');

export const TemplateDetail = z
  .object({
    ...TemplateFields,
    parameters: z
      .array(RecipeParameter)
      .openapi({ description: "the entry's declared parameters: what `use` takes as params" }),
    files: z
      .array(z.object({ path: z.string(), content: z.string() }))
      .openapi({ description: 'the files `use` writes, the entry first' }),
  })
  .openapi('TemplateDetail');

export const TemplateUseBody = z
  .object({
    dir: z.string().min(1).openapi({
      example: '/home/me/recipes/repo-digest',
      description: 'an absolute directory on the server host; created if missing',
    }),
    params: z.record(z.string(), z.string()).optional(),
    force: z
      .boolean()
      .optional()
      .openapi({ description: 'overwrite files there that differ from the template' }),
    schedule: z
      .object({
        id: z.string().optional().openapi({ description: 'default: the template name' }),
        cron: z.string().min(1).optional().openapi({ description: 'default: the suggested one' }),
        timezone: z.string().optional().openapi({ description: "default: the server's zone" }),
      })
      .strict()
      .optional()
      .openapi({ description: 'given: a schedule is created once the entry validates' }),
  })
  .strict()
  .openapi('TemplateUse');

export const TemplateUseResult = z
  .object({
    template: z.string(),
    source: z.enum(['builtin', 'user']),
    dir: z.string(),
    entry: z.string().openapi({ description: 'the entry as written (absolute)' }),
    files: z.array(
      z.object({ path: z.string(), status: z.enum(['created', 'unchanged', 'overwritten']) }),
    ),
    verdict: RecipeVerdict,
    // A union, not `Schedule.nullable()`: that is published as allOf [Schedule, nullable].
    schedule: z.union([Schedule, z.null()]),
    scheduleSkipped: z
      .string()
      .nullable()
      .openapi({ description: 'why no schedule was created although one was asked for' }),
  })
  .openapi('TemplateUseResult');
