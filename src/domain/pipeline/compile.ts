/**
 * Pipeline validation and compilation: the file's shape, the step graph, every reference and the
 * type of every hand-over — all before anything runs. Pure: the adapter parses the file, gives a
 * locator, and loads the recipes steps name (`stepRecipe`).
 */
import { DurationLimit } from '../limits.js';
import { parseDuration } from '../duration.js';
import { GooseFlowError } from '../errors.js';
import { ProblemCode, type PathSegment, type RecipeProblem } from '../recipe/model.js';
import { issueFinding, formatPath } from '../recipe/schema.js';
import { parameterRules } from '../recipe/params.js';
import { ExprError, parseCondition, parseValue } from './expr.js';
import {
  DEFAULT_MAX_PARALLEL,
  STEP_ID,
  type CompiledPipeline,
  type OnFailure,
  type StepPlan,
  type StepRecipe,
} from './model.js';
import {
  HandlerSchema,
  HOOKS,
  PipelineSchema,
  StepSchema,
  type HandlerInput,
  type StepInput,
} from './schema.js';
import { orderSteps } from './graph.js';
import { Findings, type ParsedStep } from './findings.js';
import { checkReferences } from './typecheck.js';

export interface CompileInput {
  /** Shown in messages. */
  readonly file: string;
  /** The pipeline's path relative to the top pipeline's folder (`/`-separated). */
  readonly relFile: string;
  readonly document: unknown;
  readonly locate: (at: PathSegment[]) => { line: number; column: number } | undefined;
  /** Loads what a step's `recipe` names, or says why it cannot be used (problems in its own file). */
  readonly stepRecipe: (recipe: string) => StepRecipe | { readonly problems: RecipeProblem[] };
}

export interface CompileResult {
  /** Present when there is no error. */
  readonly pipeline?: CompiledPipeline;
  readonly problems: RecipeProblem[];
}

export function compilePipeline(input: CompileInput): CompileResult {
  const findings = new Findings();
  const shape = PipelineSchema.safeParse(input.document);
  if (!shape.success) {
    for (const issue of shape.error.issues.slice(0, 100))
      findings.list.push(issueFinding(issue, input.document));
    return { problems: place(input, findings) };
  }
  const doc = shape.data;
  for (const f of parameterRules(doc.parameters ?? []))
    if (f.severity === 'error') findings.list.push(f);
  const steps = doc.steps.flatMap((raw, i) => parseStep(raw, ['steps', i], input, findings, false));
  const handlers = (doc.handlers ?? []).flatMap((raw, i) =>
    parseStep(raw, ['handlers', i], input, findings, true),
  );
  checkIds(steps, handlers, findings);
  const handlerIds = new Set(handlers.map((h) => h.plan.id));
  for (const hook of HOOKS) {
    const id = doc[hook];
    if (id !== undefined && !handlerIds.has(id))
      findings.error(ProblemCode.stepUnknown, [hook], unknownHandler(id, handlerIds));
  }
  for (const s of [...steps, ...handlers]) {
    const f = s.plan.onFailure;
    if (f.kind === 'handler' && !handlerIds.has(f.handler))
      findings.error(
        ProblemCode.stepUnknown,
        [...s.at, 'on_failure'],
        unknownHandler(f.handler, handlerIds),
      );
  }
  const ordered = orderSteps(steps, findings);
  const timeoutMs = duration(doc.timeout, ['timeout'], findings);
  if (findings.list.length === 0 && findings.foreign.length === 0 && ordered) {
    checkReferences({ parameters: doc.parameters ?? [], steps: ordered, handlers }, findings);
  }
  const problems = place(input, findings);
  if (problems.some((p) => p.severity === 'error') || !ordered) return { problems };
  const pipeline: CompiledPipeline = {
    file: input.relFile,
    name:
      doc.name ??
      input.relFile
        .split('/')
        .pop()!
        .replace(/\.(ya?ml|json)$/i, ''),
    description: doc.description ?? '',
    parameters: doc.parameters ?? [],
    timeoutMs,
    steps: ordered.map((s) => s.plan),
    handlers: handlers.map((h) => h.plan),
    hooks: {
      success: doc.on_success ?? null,
      failure: doc.on_failure ?? null,
      cancel: doc.on_cancel ?? null,
      exit: doc.on_exit ?? null,
    },
  };
  return { pipeline, problems };
}

function unknownHandler(id: string, known: Set<string>): string {
  const list = [...known];
  return `no handler \`${id}\` (${list.length ? `handlers: ${list.join(', ')}` : 'the pipeline has no `handlers`'}); on_failure takes stop, continue or a handler id`;
}

function parseStep(
  raw: unknown,
  at: PathSegment[],
  input: CompileInput,
  findings: Findings,
  handler: boolean,
): ParsedStep[] {
  const shape = (handler ? HandlerSchema : StepSchema).safeParse(raw);
  if (!shape.success) {
    for (const issue of shape.error.issues.slice(0, 20)) {
      const f = issueFinding(issue, raw);
      findings.list.push({
        ...f,
        at: [...at, ...f.at],
        message: f.message.replace(/^`/, `\`${formatPath(at)}.`),
      });
    }
    return [];
  }
  const s = shape.data as StepInput & HandlerInput;
  if (!STEP_ID.test(s.id))
    findings.error(
      ProblemCode.invalidValue,
      [...at, 'id'],
      `step id \`${s.id.slice(0, 60)}\` must be lowercase letters, digits, _ or -, start with a letter, at most 48 characters`,
    );
  const recipe = input.stepRecipe(s.recipe);
  if ('problems' in recipe) {
    findings.foreign.push(...recipe.problems.filter((p) => p.file !== undefined));
    const own = recipe.problems.filter((p) => p.file === undefined);
    const why = own.length ? own.map((p) => p.message).join('; ') : 'see its problems';
    findings.error(
      ProblemCode.stepRecipe,
      [...at, 'recipe'],
      `step \`${s.id}\`: recipe ${s.recipe} cannot be used: ${why}`,
    );
    return [];
  }
  const params: Record<string, StepPlan['params'][string]> = {};
  for (const [key, value] of Object.entries(s.params ?? {})) {
    const parsed = expr(() => parseValue(value), [...at, 'params', key], findings);
    if (parsed) params[key] = parsed;
  }
  const condition =
    s.if === undefined ? null : (expr(() => parseCondition(s.if), [...at, 'if'], findings) ?? null);
  const items =
    s.for_each === undefined
      ? null
      : expr(() => parseValue(s.for_each), [...at, 'for_each'], findings);
  if (s.max_parallel !== undefined && items === null)
    findings.error(
      ProblemCode.invalidValue,
      [...at, 'max_parallel'],
      '`max_parallel` goes with `for_each`',
    );
  const needs = s.needs === undefined ? [] : typeof s.needs === 'string' ? [s.needs] : s.needs;
  const plan: StepPlan = {
    id: s.id,
    recipe,
    needs,
    params,
    condition,
    forEach: items ? { items, maxParallel: s.max_parallel ?? DEFAULT_MAX_PARALLEL } : null,
    retries: s.retries ?? null,
    timeoutMs: duration(s.timeout, [...at, 'timeout'], findings),
    onFailure: onFailure(s.on_failure),
  };
  return [{ plan, at }];
}

function onFailure(text: string | undefined): OnFailure {
  if (text === undefined || text === 'stop') return { kind: 'stop' };
  if (text === 'continue') return { kind: 'continue' };
  return { kind: 'handler', handler: text };
}

function expr<T>(parse: () => T, at: PathSegment[], findings: Findings): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    findings.error(ProblemCode.expressionInvalid, at, `\`${formatPath(at)}\`: ${err.message}`);
    return undefined;
  }
}

function duration(text: string | undefined, at: PathSegment[], findings: Findings): number | null {
  if (text === undefined) return null;
  try {
    const ms = parseDuration(text, formatPath(at));
    const { min, max } = DurationLimit.timeout;
    if (ms < min || ms > max) {
      findings.error(
        ProblemCode.invalidValue,
        at,
        `\`${formatPath(at)}\` ${text} is out of range: allowed 100ms to 365d`,
      );
      return null;
    }
    return ms;
  } catch (err) {
    if (!(err instanceof GooseFlowError)) throw err;
    findings.error(ProblemCode.invalidValue, at, err.message);
    return null;
  }
}

function checkIds(steps: ParsedStep[], handlers: ParsedStep[], findings: Findings): void {
  const seen = new Map<string, PathSegment[]>();
  for (const s of [...steps, ...handlers]) {
    const first = seen.get(s.plan.id);
    if (first) {
      const line = `\`${formatPath(first)}\``;
      findings.error(
        ProblemCode.stepDuplicate,
        [...s.at, 'id'],
        `step id \`${s.plan.id}\` is used twice (first at ${line})`,
      );
    } else seen.set(s.plan.id, s.at);
  }
}

function place(input: CompileInput, findings: Findings): RecipeProblem[] {
  const own = findings.list.map((f) => {
    const { at, ...rest } = f;
    return { ...rest, path: formatPath(at), ...input.locate(at) } as RecipeProblem;
  });
  return [...own, ...findings.foreign];
}
