/**
 * The `--json` shapes of `goose-flow template …`, which the API answers with too (its schemas in
 * src/http/api/template-schemas.ts describe exactly these). Add fields, never rename them.
 */
import type { Parameter } from '../domain/recipe/model.js';
import type {
  TemplateDetail,
  TemplateListing,
  TemplateSummary,
  TemplateUse,
} from '../services/templates.js';
import { scheduleJson, verdictJson } from './json.js';

export function templateJson(t: TemplateSummary) {
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    kind: t.kind,
    entry: t.entry,
    schedule: { cron: t.schedule.cron, description: t.schedule.description },
    tags: [...t.tags],
    source: t.source,
    dir: t.dir,
    note: t.note,
  };
}

export function templateListingJson(listing: TemplateListing) {
  return {
    templates: listing.templates.map(templateJson),
    problems: listing.problems.map((p) => ({ ...p })),
  };
}

/** A declared parameter, as the schedule preview names its fields. */
export function parameterJson(p: Parameter) {
  return {
    name: p.key,
    inputType: p.input_type,
    requirement: p.requirement,
    default: p.default ?? null,
    description: p.description,
    options: p.options ? [...p.options] : null,
  };
}

export function templateDetailJson(d: TemplateDetail) {
  return {
    ...templateJson(d),
    parameters: d.parameters.map(parameterJson),
    files: d.files.map((f) => ({ path: f.path, content: f.content })),
  };
}

/** `next`: the new schedule's next fire time, when one was created. */
export function templateUseJson(u: TemplateUse, next: number | null) {
  return {
    template: u.template.name,
    source: u.template.source,
    dir: u.dir,
    entry: u.entry,
    files: u.files.map((f) => ({ path: f.path, status: f.status })),
    verdict: verdictJson(u.report),
    schedule: u.schedule ? scheduleJson(u.schedule, next === null ? [] : [next]) : null,
    scheduleSkipped: u.scheduleSkipped,
  };
}
