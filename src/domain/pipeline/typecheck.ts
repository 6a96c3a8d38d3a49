/**
 * References and hand-over types, checked before anything runs: every `${…}` names a declared
 * pipeline parameter or a step this one needs, every field exists in the producing recipe's
 * `response.json_schema`, and every value fits the receiving recipe parameter's `input_type`.
 */
import {
  InputType,
  ProblemCode,
  Requirement,
  type Parameter,
  type PathSegment,
} from '../recipe/model.js';
import { valueProblem } from '../recipe/params.js';
import { describeType, referencesOf, typeAtPath, typeOfLiteral } from './expr.js';
import type { Findings, ParsedStep } from './findings.js';
import { ancestorsOf } from './graph.js';
import type { Reference, ValueExpr, ValueType } from './model.js';

interface Pipeline {
  readonly parameters: readonly Parameter[];
  readonly steps: readonly ParsedStep[];
  readonly handlers: readonly ParsedStep[];
}

export function checkReferences(p: Pipeline, findings: Findings): void {
  const graph = new Map(p.steps.map((s) => [s.plan.id, s.plan]));
  const outputs = new Map(p.steps.map((s) => [s.plan.id, outputTypeOf(s)]));
  const params = new Map(p.parameters.map((x) => [x.key, x]));
  for (const s of [...p.steps, ...p.handlers]) {
    const handler = p.handlers.includes(s);
    const visible = handler ? new Set(graph.keys()) : ancestorsOf(s.plan.id, graph);
    const scope: Scope = { params, outputs, visible, item: null, step: s.plan.id, handler };
    let item: ValueType | null = null;
    if (s.plan.forEach) {
      const at = [...s.at, 'for_each'];
      const t = typeOf(s.plan.forEach.items, scope, at, findings);
      item = t ? elementType(t, at, findings) : { type: 'unknown' };
    }
    const inner = { ...scope, item };
    if (s.plan.condition) {
      for (const ref of referencesOf(s.plan.condition)) {
        // `if` decides the whole step once, before any item: it has no item to read.
        if (item && (ref.kind === 'item' || ref.kind === 'index'))
          findings.error(
            ProblemCode.referenceInvalid,
            [...s.at, 'if'],
            `${ref.source}: \`if\` decides the whole step once, before its items, so it cannot read \`${ref.kind}\`; give \`for_each\` only the items to run`,
          );
        else refType(ref, scope, [...s.at, 'if'], findings);
      }
    }
    checkParams(s, inner, findings);
  }
  const used = new Set(
    [...p.steps, ...p.handlers].flatMap((s) =>
      [...Object.values(s.plan.params), s.plan.condition, s.plan.forEach?.items ?? null].flatMap(
        (e) => referencesOf(e).flatMap((r) => (r.kind === 'param' ? [r.name] : [])),
      ),
    ),
  );
  p.parameters.forEach((param, i) => {
    if (!used.has(param.key))
      findings.warn(
        ProblemCode.paramUnused,
        ['parameters', i],
        `pipeline parameter \`${param.key}\` is declared but no step uses it (\${params.${param.key}})`,
      );
  });
}

interface Scope {
  readonly params: ReadonlyMap<string, Parameter>;
  readonly outputs: ReadonlyMap<string, ValueType>;
  readonly visible: ReadonlySet<string>;
  /** The fan-out item's type; null outside a fan-out. */
  readonly item: ValueType | null;
  readonly step: string;
  readonly handler: boolean;
}

function outputTypeOf(s: ParsedStep): ValueType {
  const one = s.plan.recipe.outputType;
  return s.plan.forEach ? { type: 'array', items: one } : one;
}

function elementType(t: ValueType, at: PathSegment[], findings: Findings): ValueType {
  if (t.type === 'array') return t.items;
  if (t.type === 'string') return { type: 'string' };
  if (t.type === 'unknown') return t;
  findings.error(
    ProblemCode.handoverType,
    at,
    `\`for_each\` needs a list (or text to split on commas), got ${describeType(t)}`,
  );
  return { type: 'unknown' };
}

function checkParams(s: ParsedStep, scope: Scope, findings: Findings): void {
  const declared = new Map(s.plan.recipe.parameters.map((p) => [p.key, p]));
  const what = s.plan.recipe.kind === 'pipeline' ? 'pipeline' : 'recipe';
  for (const [key, value] of Object.entries(s.plan.params)) {
    const at = [...s.at, 'params', key];
    const param = declared.get(key);
    if (!param) {
      const keys = [...declared.keys()];
      findings.error(
        ProblemCode.stepParamUnknown,
        at,
        `step \`${s.plan.id}\`: ${what} ${s.plan.recipe.file} declares no parameter \`${key}\` (${keys.length ? `it declares: ${keys.join(', ')}` : 'it declares none'})`,
      );
      continue;
    }
    const t = typeOf(value, scope, at, findings);
    const bad = t && mismatch(param, t, value);
    if (bad)
      findings.error(
        ProblemCode.handoverType,
        at,
        `step \`${s.plan.id}\`: parameter \`${key}\` (${param.input_type}) ${bad}`,
      );
  }
  for (const param of declared.values()) {
    if (param.requirement !== Requirement.required || param.default !== undefined) continue;
    if (param.key in s.plan.params) continue;
    findings.error(
      ProblemCode.stepParamMissing,
      [...s.at, 'params'],
      `step \`${s.plan.id}\`: ${what} ${s.plan.recipe.file} requires parameter \`${param.key}\`; add it under params`,
    );
  }
}

/** The static type of a value; undefined when a reference in it is wrong (already reported). */
function typeOf(
  v: ValueExpr,
  scope: Scope,
  at: PathSegment[],
  findings: Findings,
): ValueType | undefined {
  if (v.kind === 'literal') return typeOfLiteral(v.value);
  if (v.kind === 'ref') return refType(v.ref, scope, at, findings);
  let ok = true;
  for (const part of v.parts)
    if (typeof part !== 'string') ok = !!refType(part, scope, at, findings) && ok;
  return ok ? { type: 'string' } : undefined;
}

function refType(
  ref: Reference,
  scope: Scope,
  at: PathSegment[],
  findings: Findings,
): ValueType | undefined {
  const fail = (message: string) => {
    findings.error(ProblemCode.referenceInvalid, at, `${ref.source}: ${message}`);
    return undefined;
  };
  switch (ref.kind) {
    case 'param': {
      const p = scope.params.get(ref.name);
      if (!p) {
        const keys = [...scope.params.keys()];
        return fail(
          `the pipeline declares no parameter \`${ref.name}\` (${keys.length ? `parameters: ${keys.join(', ')}` : 'add it under `parameters`'})`,
        );
      }
      return paramType(p);
    }
    case 'status':
    case 'output': {
      const t = scope.outputs.get(ref.step);
      if (!t) return fail(`there is no step \`${ref.step}\``);
      if (!scope.visible.has(ref.step))
        return fail(
          `step \`${scope.step}\` does not need \`${ref.step}\`, so it may not have run yet; add it to needs`,
        );
      if (ref.kind === 'status') return { type: 'string' };
      const found = typeAtPath(t, ref.path, `steps.${ref.step}.output`);
      return typeof found === 'string' ? fail(found) : found;
    }
    case 'item':
    case 'index': {
      if (!scope.item)
        return fail(`\`${ref.kind}\` exists only in the params of a step with \`for_each\``);
      if (ref.kind === 'index') return { type: 'integer' };
      const found = typeAtPath(scope.item, ref.path, 'item');
      return typeof found === 'string' ? fail(found) : found;
    }
    default: {
      const unreachable: never = ref;
      return unreachable;
    }
  }
}

function paramType(p: Parameter): ValueType {
  switch (p.input_type) {
    case InputType.number:
      return { type: 'number' };
    case InputType.boolean:
      return { type: 'boolean' };
    case InputType.select:
      return { type: 'string', options: p.options ?? [] };
    default:
      return { type: 'string' };
  }
}

/** Why a value of type `t` cannot go to `param`; undefined when it can. */
function mismatch(param: Parameter, t: ValueType, v: ValueExpr): string | undefined {
  if (v.kind === 'literal') {
    const text = typeof v.value === 'string' ? v.value : JSON.stringify(v.value);
    if (param.input_type === InputType.file) return undefined;
    const bad = valueProblem(param, text ?? '');
    return bad ? `is given ${JSON.stringify(v.value)}: ${bad}` : undefined;
  }
  if (t.type === 'unknown' || t.type === 'null') return undefined;
  const given = `is given ${describeType(t)}`;
  switch (param.input_type) {
    case InputType.number:
      return t.type === 'number' || t.type === 'integer'
        ? undefined
        : `${given}; it needs a number`;
    case InputType.boolean:
      return t.type === 'boolean' ? undefined : `${given}; it needs true or false`;
    case InputType.select: {
      if (t.type !== 'string')
        return `${given}; it needs one of: ${(param.options ?? []).join(', ')}`;
      const extra = (t.options ?? []).filter((o) => !(param.options ?? []).includes(o));
      return extra.length
        ? `may be given ${extra.map((o) => JSON.stringify(o)).join(', ')}, not among its options (${(param.options ?? []).join(', ')})`
        : undefined;
    }
    case InputType.date:
      return t.type === 'string' ? undefined : `${given}; it needs a date as text`;
    default:
      // string, file: scalars are written as text, lists and objects as JSON.
      return undefined;
  }
}
