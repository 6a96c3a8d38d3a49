/**
 * The pipeline planner: from the compiled pipeline, its params and what its step runs did so far,
 * what to start now, how every step stands, and whether (and how) the pipeline has ended. A pure
 * function of settled facts, so a restarted daemon — or a replayed Temporal workflow — decides
 * exactly what was decided before, and a step that settled is never started again.
 */
import { InputType, type Parameter } from '../recipe/model.js';
import { valueProblem } from '../recipe/param-values.js';
import { asText, evaluate, itemsOf, test, type Scope } from './expr.js';
import {
  MAX_ITEMS,
  StepStatus,
  instanceKey,
  type CompiledPipeline,
  type StepPlan,
  type StepResult,
} from './model.js';

export interface PlanInput {
  readonly pipeline: CompiledPipeline;
  /** The pipeline's params as given (text); typed here by their declarations. */
  readonly params: Readonly<Record<string, string>>;
  /** Every step instance started so far (or carried over by `resume`), by instance key. */
  readonly results: ReadonlyMap<string, StepResult>;
  /** Why the pipeline stops early, if it does: a kill, or its own timeout. */
  readonly stopping: null | 'cancelled' | 'timed_out';
}

export interface StartStep {
  readonly key: string;
  readonly step: StepPlan;
  readonly item: number | null;
  /** The recipe parameters, as `goose run --params` takes them. */
  readonly params: Readonly<Record<string, string>>;
}

export interface InstanceView {
  readonly key: string;
  readonly item: number | null;
  readonly status: StepStatus;
  readonly runId: string | null;
  readonly error: string | null;
  readonly carriedFrom: string | null;
}

export interface StepView {
  readonly id: string;
  readonly role: 'step' | 'handler';
  readonly status: StepStatus;
  readonly needs: readonly string[];
  /** Why it was skipped or failed without a run. */
  readonly reason: string | null;
  readonly instances: readonly InstanceView[];
  /** Items of a fan-out, once known. */
  readonly items: number | null;
  readonly output: unknown;
}

export type PipelineOutcome = {
  readonly status: 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
  readonly error: string | null;
};

export interface Plan {
  readonly start: readonly StartStep[];
  readonly steps: readonly StepView[];
  /** Null while anything runs or remains to start. */
  readonly outcome: PipelineOutcome | null;
  /** Outputs of the main steps, by id (a pipeline step's output, to its parent). */
  readonly output: Readonly<Record<string, unknown>>;
}

const ENDED: readonly StepStatus[] = [
  StepStatus.succeeded,
  StepStatus.failed,
  StepStatus.timedOut,
  StepStatus.cancelled,
  StepStatus.skipped,
];
export const isEnded = (s: StepStatus) => ENDED.includes(s);
const isFailure = (s: StepStatus) =>
  s === StepStatus.failed || s === StepStatus.timedOut || s === StepStatus.cancelled;

/** Params as declared: numbers and booleans typed, defaults filled in. */
export function typedParams(
  parameters: readonly Parameter[],
  given: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of parameters) {
    const text = given[p.key] ?? p.default;
    if (text === undefined) continue;
    if (p.input_type === InputType.number && Number.isFinite(Number(text)))
      out[p.key] = Number(text);
    else if (p.input_type === InputType.boolean) out[p.key] = text === 'true';
    else out[p.key] = text;
  }
  return out;
}

export function planPipeline(input: PlanInput): Plan {
  const params = typedParams(input.pipeline.parameters, input.params);
  // A stop found late in the pass stops steps decided earlier in it: decide again until stable.
  let halt = null as Halt | null;
  for (;;) {
    const pass: Pass = new Pass(input, params, halt);
    const views: StepView[] = input.pipeline.steps.map((s) => pass.step(s));
    if (pass.halt?.reason === halt?.reason) return pass.finish(views);
    halt = pass.halt;
  }
}

/** The failure that stopped the pipeline, and the step it came from (which still shows its own). */
interface Halt {
  readonly reason: string;
  readonly step: string;
}

class Pass {
  readonly start: StartStep[] = [];
  readonly settled = new Map<string, { status: string; output: unknown }>();
  readonly handlersDue = new Set<string>();
  halt: Halt | null;

  constructor(
    private readonly input: PlanInput,
    private readonly params: Record<string, unknown>,
    halt: Halt | null,
  ) {
    this.halt = halt;
  }

  private scope(extra: Partial<Scope> = {}): Scope {
    return { params: this.params, steps: this.settled, ...extra };
  }

  step(s: StepPlan): StepView {
    const view = this.decide(s);
    if (isEnded(view.status)) this.settled.set(s.id, { status: view.status, output: view.output });
    if (isFailure(view.status) && s.onFailure.kind !== 'continue') {
      this.halt ??= {
        step: s.id,
        reason: `step ${s.id} ${view.status === StepStatus.failed ? 'failed' : `ended ${view.status}`}${view.reason ? `: ${view.reason}` : ''}`,
      };
      if (s.onFailure.kind === 'handler') this.handlersDue.add(s.onFailure.handler);
    }
    return view;
  }

  private decide(s: StepPlan): StepView {
    const started = this.instancesOf(s);
    const base = { id: s.id, role: 'step' as const, needs: s.needs, items: null, output: null };
    const blocked = this.blockedReason(s);
    if (blocked === 'wait' && started.length === 0)
      return { ...base, status: StepStatus.waiting, reason: null, instances: [] };
    if (blocked && blocked !== 'wait' && started.length === 0)
      return { ...base, status: StepStatus.skipped, reason: blocked, instances: [] };
    return this.run(s, started);
  }

  /** Null: the step may start; 'wait': a need has not ended; else why it will never start. */
  private blockedReason(s: StepPlan): string | null {
    const needs = s.needs.map((n) => ({ id: n, v: this.settled.get(n) }));
    if (needs.some((n) => !n.v)) return this.stopReason(s.id) ?? 'wait';
    // A false condition is the reason a step is skipped, even when the pipeline also stops.
    if (s.condition && !test(s.condition, this.scope()))
      return `its condition is false: ${s.condition.source}`;
    const stop = this.stopReason(s.id);
    if (stop) return stop;
    if (s.condition) return null;
    const failed = needs.find((n) => isFailure(n.v!.status as StepStatus) && !this.continues(n.id));
    return failed
      ? `it needs ${failed.id}, which ${failed.v!.status === 'failed' ? 'failed' : `ended ${failed.v!.status}`}`
      : null;
  }

  /** Why nothing new starts (for `step`: a stop that is not its own failure). */
  private stopReason(step?: string): string | null {
    if (this.input.stopping === 'cancelled') return 'the pipeline was cancelled';
    if (this.input.stopping === 'timed_out') return 'the pipeline timed out';
    if (!this.halt || this.halt.step === step) return null;
    return `the pipeline stopped: ${this.halt.reason}`;
  }

  private continues(id: string): boolean {
    return this.input.pipeline.steps.find((s) => s.id === id)?.onFailure.kind === 'continue';
  }

  private instancesOf(s: StepPlan): StepResult[] {
    const out: StepResult[] = [];
    for (const r of this.input.results.values())
      if (r.key === s.id || r.key.startsWith(`${s.id}.`)) out.push(r);
    return out;
  }

  /** Starts what may start and sums the instances up. */
  private run(s: StepPlan, started: StepResult[]): StepView {
    const base = { id: s.id, role: 'step' as const, needs: s.needs };
    const mayStart = this.blockedReason(s) === null;
    if (!s.forEach) {
      const r = started[0];
      if (!r) {
        const bad = mayStart ? this.launch(s, null, undefined) : null;
        const status = bad ? StepStatus.failed : StepStatus.running;
        return { ...base, status, reason: bad, instances: [], items: null, output: null };
      }
      return {
        ...base,
        status: r.status,
        reason: r.error ?? null,
        instances: [view(r, null)],
        items: null,
        output: r.output ?? null,
      };
    }
    const items = itemsOf(evaluate(s.forEach.items, this.scope()));
    const fail = (reason: string) => ({
      ...base,
      status: StepStatus.failed,
      reason,
      instances: [],
      items: null,
      output: null,
    });
    if (!items) return fail('`for_each` did not give a list');
    if (items.length > MAX_ITEMS)
      return fail(`\`for_each\` gave ${items.length} items; at most ${MAX_ITEMS}`);
    const byKey = new Map(started.map((r) => [r.key, r]));
    let active = started.filter((r) => !isEnded(r.status)).length;
    const instances: InstanceView[] = [];
    let itemFailed: string | null = null;
    items.forEach((item, i) => {
      const key = instanceKey(s.id, i);
      const r = byKey.get(key);
      if (r) {
        instances.push(view(r, i));
        if (isFailure(r.status))
          itemFailed ??= `item ${i} ${r.status === 'failed' ? 'failed' : `ended ${r.status}`}${r.error ? `: ${r.error}` : ''}`;
        return;
      }
      const stopItems = itemFailed !== null && s.onFailure.kind !== 'continue';
      if (mayStart && !stopItems && active < s.forEach!.maxParallel) {
        const bad = this.launch(s, i, item);
        if (bad) {
          itemFailed ??= `item ${i}: ${bad}`;
          instances.push({
            key,
            item: i,
            status: StepStatus.failed,
            runId: null,
            error: bad,
            carriedFrom: null,
          });
        } else {
          active++;
          instances.push({
            key,
            item: i,
            status: StepStatus.running,
            runId: null,
            error: null,
            carriedFrom: null,
          });
        }
        return;
      }
      const never = !mayStart || stopItems;
      instances.push({
        key,
        item: i,
        status: never ? StepStatus.skipped : StepStatus.waiting,
        runId: null,
        error: null,
        carriedFrom: null,
      });
    });
    const open = instances.some(
      (x) => x.status === StepStatus.running || x.status === StepStatus.waiting,
    );
    const cut = instances.some((x) => x.status === StepStatus.skipped);
    if (cut) itemFailed ??= `not every item ran (${this.stopReason(s.id) ?? 'stopped'})`;
    const status = open
      ? StepStatus.running
      : (instances.find((x) => isFailure(x.status))?.status ??
        (cut ? StepStatus.failed : StepStatus.succeeded));
    const output =
      status === StepStatus.succeeded
        ? instances.map((x) => byKey.get(x.key)?.output ?? null)
        : null;
    return {
      ...base,
      status,
      reason: open ? null : itemFailed,
      instances,
      items: items.length,
      output,
    };
  }

  /** Queues an instance to start; returns why it cannot instead (a param value its recipe refuses). */
  private launch(s: StepPlan, item: number | null, itemValue: unknown): string | null {
    const scope = this.scope(item === null ? {} : { item: itemValue, index: item });
    const params: Record<string, string> = {};
    const declared = new Map(s.recipe.parameters.map((p) => [p.key, p]));
    for (const [key, expr] of Object.entries(s.params)) {
      const text = asText(evaluate(expr, scope));
      const param = declared.get(key);
      const bad =
        param && param.input_type !== InputType.file ? valueProblem(param, text) : undefined;
      if (bad) return `parameter ${key}: ${bad}`;
      params[key] = text;
    }
    this.start.push({ key: instanceKey(s.id, item), step: s, item, params });
    return null;
  }

  finish(views: StepView[]): Plan {
    const output = Object.fromEntries(
      views.filter((v) => v.status === StepStatus.succeeded).map((v) => [v.id, v.output]),
    );
    const mainOpen = views.some((v) => !isEnded(v.status)) || this.start.length > 0;
    const outcome = mainOpen ? null : this.outcomeOfSteps();
    const handlerViews = this.handlers(outcome, mainOpen);
    const handlersOpen =
      handlerViews.some((v) => !isEnded(v.status)) ||
      this.start.some((x) => this.isHandler(x.step.id));
    const all = [...views, ...handlerViews];
    return {
      start: this.start,
      steps: all,
      outcome: mainOpen || handlersOpen ? null : outcome,
      output,
    };
  }

  private outcomeOfSteps(): PipelineOutcome {
    if (this.input.stopping === 'cancelled')
      return { status: 'cancelled', error: 'cancelled on request' };
    if (this.input.stopping === 'timed_out')
      return { status: 'timed_out', error: 'the pipeline timed out' };
    if (this.halt) return { status: 'failed', error: this.halt.reason };
    return { status: 'succeeded', error: null };
  }

  private isHandler(id: string): boolean {
    return this.input.pipeline.handlers.some((h) => h.id === id);
  }

  /**
   * Handlers named by a failed step (or a failed handler's `on_failure`) run as soon as the failure
   * is known; a hook runs once the main steps have ended, and `on_exit` after every other handler
   * that is due. Each handler runs at most once per pipeline run; a handler run carried over by
   * `resume` was the earlier run's, so it runs again in this one.
   */
  private handlers(outcome: PipelineOutcome | null, mainOpen: boolean): StepView[] {
    const { hooks, handlers } = this.input.pipeline;
    const due = new Set(this.handlersDue);
    const hook =
      outcome &&
      {
        succeeded: hooks.success,
        failed: hooks.failure,
        timed_out: hooks.failure,
        cancelled: hooks.cancel,
      }[outcome.status];
    if (!mainOpen && hook) due.add(hook);
    const views = new Map<string, StepView>();
    const exitDue = (id: string) =>
      !mainOpen &&
      hooks.exit === id &&
      [...due].every((d) => d === id || (views.has(d) && isEnded(views.get(d)!.status)));
    // Deciding one handler can make another due (its `on_failure`, or `on_exit` once the rest ended).
    for (let changed = true; changed;) {
      changed = false;
      for (const h of handlers) {
        if (views.has(h.id)) continue;
        const r = this.input.results.get(h.id);
        const own = r && !r.carriedFrom ? r : undefined;
        if (!own && !due.has(h.id) && !exitDue(h.id)) continue;
        const v = own ? handlerView(h, own) : this.startHandler(h);
        views.set(h.id, v);
        if (isFailure(v.status) && h.onFailure.kind === 'handler') due.add(h.onFailure.handler);
        changed = true;
      }
    }
    return handlers.map(
      (h) =>
        views.get(h.id) ?? {
          id: h.id,
          role: 'handler' as const,
          needs: [],
          items: null,
          status: mainOpen || h.id === hooks.exit ? StepStatus.waiting : StepStatus.skipped,
          reason: mainOpen || h.id === hooks.exit ? null : 'not called for',
          instances: [],
          output: null,
        },
    );
  }

  /** A due handler: skipped when its condition is false, else started (or failed without a run). */
  private startHandler(h: StepPlan): StepView {
    const base = { id: h.id, role: 'handler' as const, needs: [], items: null, output: null };
    if (h.condition && !test(h.condition, this.scope()))
      return {
        ...base,
        status: StepStatus.skipped,
        reason: `its condition is false: ${h.condition.source}`,
        instances: [],
      };
    const bad = this.launch(h, null, undefined);
    return {
      ...base,
      status: bad ? StepStatus.failed : StepStatus.running,
      reason: bad,
      instances: [],
    };
  }
}

function handlerView(h: StepPlan, r: StepResult): StepView {
  return {
    id: h.id,
    role: 'handler',
    needs: [],
    items: null,
    status: r.status,
    reason: r.error ?? null,
    instances: [view(r, null)],
    output: r.output ?? null,
  };
}

function view(r: StepResult, item: number | null): InstanceView {
  return {
    key: r.key,
    item,
    status: r.status,
    runId: r.runId,
    error: r.error ?? null,
    carriedFrom: r.carriedFrom ?? null,
  };
}

/**
 * How the steps stand for a reader: what the planner would start next is still `waiting` (its
 * driver has not started it yet, or does not run at all just now).
 */
export function standing(plan: Plan): StepView[] {
  const starting = new Set(plan.start.map((s) => s.key));
  return plan.steps.map((step) => {
    const instances = step.instances.map((i) =>
      starting.has(i.key) ? { ...i, status: StepStatus.waiting } : i,
    );
    const single = !step.instances.length && starting.has(step.id);
    return { ...step, instances, status: single ? StepStatus.waiting : step.status };
  });
}
