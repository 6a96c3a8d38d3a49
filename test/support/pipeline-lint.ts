/**
 * A test-only reading of a pipeline file, for the built-in templates while this build does not
 * validate pipelines itself (docs/pipelines.md): every step and handler recipe is a valid recipe
 * inside the folder, its params are declared and its required ones given, every `${…}` parses
 * and names a declared pipeline parameter, a step it needs, or a field the step's
 * `response.json_schema` declares; hooks and `on_failure` name handlers. Problems as text.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import {
  parseCondition,
  parseValue,
  referencesOf,
  typeAtPath,
  typeOfSchema,
} from '../../src/domain/pipeline/expr.js';
import type { Reference } from '../../src/domain/pipeline/model.js';
import { loadRecipeFile } from '../../src/adapters/recipe/recipe-file.js';
import type { Parameter } from '../../src/domain/recipe/model.js';

interface Step {
  id: string;
  recipe: string;
  needs?: string[];
  params?: Record<string, unknown>;
  if?: unknown;
  for_each?: unknown;
  on_failure?: string;
}

interface Pipeline {
  parameters?: Parameter[];
  steps: Step[];
  handlers?: Step[];
  on_success?: string;
  on_failure?: string;
  on_cancel?: string;
  on_exit?: string;
}

/** A value each declared parameter type accepts, for the required ones. */
export function sampleParams(parameters: readonly Parameter[]): Record<string, string> {
  const sample = (p: Parameter) =>
    p.input_type === 'number' ? '3' : p.input_type === 'select' ? p.options![0]! : 'sample';
  return Object.fromEntries(
    parameters.filter((p) => p.requirement === 'required').map((p) => [p.key, sample(p)]),
  );
}

export function lintPipeline(file: string): string[] {
  const pipeline = parse(readFileSync(file, 'utf8')) as Pipeline;
  const problems: string[] = [];
  const handlers = new Set((pipeline.handlers ?? []).map((h) => h.id));
  const schemas = checkSteps(dirname(file), pipeline, handlers, problems);
  const used = checkReferences(pipeline, schemas, problems);
  for (const hook of ['on_success', 'on_failure', 'on_cancel', 'on_exit'] as const) {
    const id = pipeline[hook];
    if (id && !handlers.has(id)) problems.push(`${hook} names no handler: ${id}`);
  }
  for (const p of pipeline.parameters ?? [])
    if (!used.has(p.key)) problems.push(`parameter ${p.key} is never used`);
  return problems;
}

/** Each step's and handler's recipe and params; the steps' output schemas by id. */
function checkSteps(
  folder: string,
  pipeline: Pipeline,
  handlers: ReadonlySet<string>,
  problems: string[],
): Map<string, unknown> {
  const schemas = new Map<string, unknown>();
  for (const step of [...pipeline.steps, ...(pipeline.handlers ?? [])]) {
    const path = join(folder, step.recipe);
    if (relative(folder, path).startsWith('..')) problems.push(`${step.id}: recipe outside`);
    const recipe = checkRecipe(step, path, problems);
    schemas.set(step.id, recipe.schema);
    const given = Object.keys(step.params ?? {});
    for (const key of given)
      if (!recipe.list.some((p) => p.key === key))
        problems.push(`${step.id}: ${step.recipe} has no parameter ${key}`);
    for (const p of recipe.list)
      if (p.requirement === 'required' && p.default === undefined && !given.includes(p.key))
        problems.push(`${step.id}: required parameter ${p.key} not given`);
    const failure = step.on_failure;
    if (failure && failure !== 'stop' && failure !== 'continue' && !handlers.has(failure))
      problems.push(`${step.id}: on_failure names no handler: ${failure}`);
  }
  return schemas;
}

/** Every `${…}`: it parses and names what it may; returns the pipeline parameters used. */
function checkReferences(
  pipeline: Pipeline,
  schemas: ReadonlyMap<string, unknown>,
  problems: string[],
): Set<string> {
  const declared = new Set((pipeline.parameters ?? []).map((p) => p.key));
  const steps = new Map(pipeline.steps.map((s) => [s.id, s]));
  const used = new Set<string>();
  for (const step of [...pipeline.steps, ...(pipeline.handlers ?? [])]) {
    const isHandler = !steps.has(step.id);
    const reach = isHandler ? new Set(steps.keys()) : needed(step, steps);
    for (const ref of referencesIn(step, problems)) {
      const at = `${step.id}: ${ref.source}`;
      if (ref.kind === 'param') {
        used.add(ref.name);
        if (!declared.has(ref.name)) problems.push(`${at}: no such parameter`);
      } else if (ref.kind === 'output' || ref.kind === 'status') {
        if (!reach.has(ref.step)) problems.push(`${at}: step not needed`);
        if (isHandler && ref.kind === 'output')
          problems.push(`${at}: a handler reads statuses only`);
        if (ref.kind === 'output' && ref.path.length > 0) {
          const type = typeAtPath(typeOfSchema(schemas.get(ref.step)), ref.path, ref.step);
          if (typeof type === 'string') problems.push(`${step.id}: ${type}`);
        }
      } else if (ref.kind === 'item' && step.for_each === undefined) {
        problems.push(`${at} outside a fan-out`);
      }
    }
  }
  return used;
}

function checkRecipe(step: Step, path: string, problems: string[]) {
  const plain = loadRecipeFile(path, {});
  const list = plain.check.recipe?.parameters ?? [];
  const loaded = loadRecipeFile(path, { params: sampleParams(list) });
  for (const p of loaded.check.problems.filter((x) => x.severity === 'error'))
    problems.push(`${step.id}: ${step.recipe}: ${p.message}`);
  if (!loaded.check.headless.ok)
    problems.push(`${step.id}: ${step.recipe}: ${loaded.check.headless.reasons.join('; ')}`);
  return { list, schema: plain.check.recipe?.response?.json_schema };
}

function referencesIn(step: Step, problems: string[]): Reference[] {
  try {
    return [
      ...Object.values(step.params ?? {}).flatMap((v) => referencesOf(parseValue(v))),
      ...(step.if === undefined ? [] : referencesOf(parseCondition(step.if))),
      ...(step.for_each === undefined ? [] : referencesOf(parseValue(step.for_each))),
    ];
  } catch (err) {
    problems.push(`${step.id}: ${(err as Error).message}`);
    return [];
  }
}

/** The steps `step` needs, directly or through another step. */
function needed(step: Step, steps: ReadonlyMap<string, Step>): Set<string> {
  const seen = new Set<string>();
  const visit = (s: Step) => {
    for (const id of s.needs ?? []) {
      if (seen.has(id)) continue;
      seen.add(id);
      const next = steps.get(id);
      if (next) visit(next);
    }
  };
  visit(step);
  return seen;
}
