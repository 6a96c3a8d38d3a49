/**
 * The pipeline graph's arithmetic, pure: a step run's pipeline runs from its id, the columns of a
 * pipeline's steps by depth of `needs`, and each step's state in words, mark and numbers.
 */

/**
 * What the arithmetic reads of a step (the API's `PipelineStep`); its own shape, so the unit tests
 * (type-checked as Node code) need none of the web's module resolution.
 */
export interface StepShape {
  readonly id: string;
  readonly status: string;
  readonly needs: readonly string[];
  readonly items: number | null;
  readonly instances: readonly {
    readonly item: number | null;
    readonly status: string;
    readonly startedAt: string | null;
    readonly endedAt: string | null;
  }[];
}

/**
 * The pipeline runs a step run belongs to, nearest first: a step run's id is
 * `<pipeline run>:<step>[.<item>]`, and a step id starts with a lowercase letter (docs/pipelines.md),
 * so `digest@2026-11-27T03:00:00.000Z` (a schedule's run; its last `:` part starts with a digit)
 * has none.
 */
export function pipelineRunsOf(runId: string): string[] {
  const out: string[] = [];
  let id = runId;
  for (;;) {
    const m = /^(.+):[a-z][a-z0-9_-]{0,47}(?:\.\d+)?$/.exec(id);
    if (!m) return out;
    id = m[1]!;
    out.push(id);
  }
}

/** Every state a step can be in (src/domain/pipeline/model.ts), with a letter and words. */
export const STEP_STATES = {
  waiting: { mark: 'W', text: 'waiting' },
  running: { mark: 'R', text: 'running' },
  succeeded: { mark: 'S', text: 'succeeded' },
  failed: { mark: 'F', text: 'failed' },
  timed_out: { mark: 'T', text: 'timed out' },
  cancelled: { mark: 'C', text: 'cancelled' },
  skipped: { mark: 'K', text: 'skipped' },
} as const;

export const stateOf = (status: string) =>
  STEP_STATES[status as keyof typeof STEP_STATES] ?? { mark: '?', text: status };

const ENDED = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped']);
export const isEnded = (status: string) => ENDED.has(status);

/**
 * The main steps in columns: a step with no needs is in the first, any other one column right of
 * the deepest step it needs; each column keeps the file's order.
 */
export function columnsOf<Step extends StepShape>(steps: readonly Step[]): Step[][] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const depth = new Map<string, number>();
  const depthOf = (s: Step, seen: Set<string>): number => {
    const known = depth.get(s.id);
    if (known !== undefined) return known;
    // Validation refuses cycles; `seen` only keeps a broken answer from looping.
    seen.add(s.id);
    const needs = s.needs.map((n) => byId.get(n)).filter((n): n is Step => !!n && !seen.has(n.id));
    const d = needs.length ? 1 + Math.max(...needs.map((n) => depthOf(n, seen))) : 0;
    depth.set(s.id, d);
    return d;
  };
  const columns: Step[][] = [];
  for (const s of steps) (columns[depthOf(s, new Set())] ??= []).push(s);
  return columns.map((c) => c ?? []);
}

/** A fan-out: a step that runs once per item. */
export const isFanOut = (s: StepShape) =>
  s.items !== null || s.instances.some((i) => i.item !== null);

export interface StepFacts {
  /** Items that succeeded of all (a fan-out), e.g. "2/3"; null for a single run. */
  readonly progress: string | null;
  /** From its first instance's start to its last one's end (or `now` while one runs). */
  readonly durationMs: number | null;
}

export function factsOf(s: StepShape, now: number): StepFacts {
  const total = s.items ?? s.instances.length;
  const succeeded = s.instances.filter((i) => i.status === 'succeeded').length;
  const starts = s.instances.flatMap((i) => (i.startedAt ? [Date.parse(i.startedAt)] : []));
  const ends = s.instances.flatMap((i) => (i.endedAt ? [Date.parse(i.endedAt)] : []));
  const done = isEnded(s.status) && ends.length === starts.length;
  const from = starts.length ? Math.min(...starts) : null;
  const to = done ? Math.max(...ends, from ?? 0) : now;
  return {
    progress: isFanOut(s) ? `${succeeded}/${total}` : null,
    durationMs: from === null ? null : Math.max(0, to - from),
  };
}
