/**
 * Workflow templates: a folder holding a recipe or a pipeline (the *entry*) and the files it
 * needs, described by a `template.yaml` manifest with a suggested schedule. A template's
 * parameters are its entry's declared `parameters` (the recipe format's shape): there is no
 * second parameter system. Pure: the adapter reads the files, this checks what they say.
 */
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { declaredParameters } from '../recipe/params.js';
import type { Parameter } from '../recipe/model.js';
import { isRecord } from '../recipe/schema.js';
import { compileSpec, SpecError } from '../schedule/spec.js';

/** Names folders, default target directories and schedule ids: a small, safe alphabet. */
export const TEMPLATE_NAME = /^[a-z][a-z0-9-]{0,47}$/;
export const MANIFEST_FILE = 'template.yaml';

export const TemplateKind = { recipe: 'recipe', pipeline: 'pipeline' } as const;
export type TemplateKind = (typeof TemplateKind)[keyof typeof TemplateKind];

export interface TemplateManifest {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The recipe or pipeline file, relative to the template's folder (`/`-separated). */
  readonly entry: string;
  /** The suggested schedule: a 5-field cron and what it means in words. */
  readonly schedule: { readonly cron: string; readonly description: string };
  readonly tags: readonly string[];
}

/** A path inside the folder: relative, `/`-separated, no `.` or `..` segment, no hidden part. */
const RELATIVE_PATH = /^(?!\/)(?:[A-Za-z0-9_][A-Za-z0-9_.-]*\/){0,4}[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const ENTRY_EXTENSION = /\.(?:ya?ml|json)$/i;

const ManifestSchema = z
  .object({
    name: z
      .string()
      .regex(TEMPLATE_NAME, 'lowercase letters, digits and -, starting with a letter'),
    title: z.string().trim().min(1).max(120),
    description: z.string().trim().min(1).max(2000),
    entry: z
      .string()
      .regex(RELATIVE_PATH, 'a relative path inside the template folder')
      .regex(ENTRY_EXTENSION, 'a .yaml, .yml or .json file'),
    schedule: z
      .object({ cron: z.string().trim().min(1), description: z.string().trim().min(1).max(200) })
      .strict(),
    tags: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lowercase words'))
      .max(12)
      .optional(),
  })
  .strict();

/**
 * The manifest of the template in folder `folder`, checked: its fields, its name (the folder's),
 * and its cron (5 fields that fire). A problem names the file and the field.
 */
export function parseManifest(document: unknown, file: string, folder: string): TemplateManifest {
  const parsed = ManifestSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown field is named by the field itself, not by the mapping that holds it.
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [];
    const field = [...issue.path, ...unknown].join('.') || '(root)';
    const what = unknown.length ? 'unknown field' : issue.message;
    throw new UsageError(`${file}: field '${field}': ${what}`, { file, field });
  }
  const m = parsed.data;
  if (m.name !== folder)
    throw new UsageError(
      `${file}: field 'name': '${m.name}' must be the folder's name, '${folder}'`,
      {
        file,
        field: 'name',
      },
    );
  checkCron(m.schedule.cron, file);
  return { ...m, tags: m.tags ?? [] };
}

function checkCron(cron: string, file: string): void {
  const fields = cron.trim().split(/\s+/).length;
  const refuse = (why: string) =>
    new UsageError(`${file}: field 'schedule.cron': ${why}`, { file, field: 'schedule.cron' });
  if (fields !== 5) throw refuse(`'${cron}' has ${fields} fields; a suggested cron has 5`);
  let fires: number | null;
  try {
    const spec = { expression: cron, timezone: 'UTC', jitterMs: 0, startAt: null, endAt: null };
    // Five fields have no year: a cron that fires at all fires after any instant, 1970 included.
    fires = compileSpec(spec).next(0);
  } catch (err) {
    if (err instanceof SpecError) throw refuse(err.message);
    throw err;
  }
  if (fires === null) throw refuse(`'${cron}' never fires: no date matches it (e.g. 30 February)`);
}

/** A pipeline has a top-level `steps` list; a recipe never has one. */
export function entryKind(document: unknown): TemplateKind {
  return isRecord(document) && Array.isArray(document.steps)
    ? TemplateKind.pipeline
    : TemplateKind.recipe;
}

/**
 * The entry's well-formed parameter declarations, read from its document: what a form offers
 * when the entry cannot be fully validated here (validation reports the malformed ones).
 */
export function entryParameters(document: unknown): Parameter[] {
  if (!isRecord(document)) return [];
  const inner = isRecord(document.recipe) ? document.recipe : document;
  return declaredParameters(inner.parameters);
}

/** True when `path` (relative, `/`-separated) is one a template may ship. */
export function isTemplatePath(path: string): boolean {
  return RELATIVE_PATH.test(path);
}
