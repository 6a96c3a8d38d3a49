/**
 * A pipeline run's steps as its workflow keeps them in its memo, so `runs show` reads them from
 * the server without a worker and without the history. Every change of the memo is an event in
 * the history, so it is kept small: no outputs, one letter per instance's status, and only the
 * instances with something more to say (an error, a carried-over run) spelled out. Pure.
 */
import { StepStatus, stepRunId, instanceKey } from '../../domain/pipeline/model.js';
import type { InstanceView, StepView } from '../../domain/pipeline/plan.js';

export interface PipelineMemo {
  readonly name: string;
  readonly steps: readonly MemoStep[];
}

interface MemoStep {
  readonly id: string;
  readonly role: StepView['role'];
  readonly status: StepStatus;
  readonly needs: readonly string[];
  readonly reason: string | null;
  readonly items: number | null;
  /** Each instance's status, one letter each, in order (a fan-out's: by item). */
  readonly st: string;
  /** Instances with an error, carried over, or whose run id is not the usual one, by position. */
  readonly ex?: Readonly<Record<string, MemoInstance>>;
}

interface MemoInstance {
  /** Error. */
  readonly e?: string;
  /** Carried over from this run. */
  readonly c?: string;
  /** The run id, when it is not `<pipeline run>:<key>` (null: none). */
  readonly r?: string | null;
}

const LETTER: Record<StepStatus, string> = {
  waiting: 'w',
  running: 'r',
  succeeded: 's',
  failed: 'f',
  timed_out: 't',
  cancelled: 'c',
  skipped: 'k',
};
const STATUS = new Map(Object.entries(LETTER).map(([s, l]) => [l, s as StepStatus]));

/** Errors and reasons are for reading: this much of each is kept. */
const MAX_TEXT = 1_000;

function cut(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

export function toMemo(runId: string, name: string, steps: readonly StepView[]): PipelineMemo {
  return {
    name,
    steps: steps.map((s) => {
      const ex: Record<string, MemoInstance> = {};
      s.instances.forEach((i, n) => {
        const usual = hasRun(i.status) ? stepRunId(runId, s.id, i.item) : null;
        const extra: { e?: string; c?: string; r?: string | null } = {};
        if (i.error) extra.e = cut(i.error);
        if (i.carriedFrom) extra.c = i.carriedFrom;
        if (i.runId !== usual) extra.r = i.runId;
        if (Object.keys(extra).length) ex[String(n)] = extra;
      });
      return {
        id: s.id,
        role: s.role,
        status: s.status,
        needs: s.needs,
        reason: s.reason === null ? null : cut(s.reason),
        items: s.items,
        st: s.instances.map((i) => LETTER[i.status]).join(''),
        ...(Object.keys(ex).length ? { ex } : {}),
      };
    }),
  };
}

/** The steps as the planner showed them, outputs left out (`null`). */
export function fromMemo(runId: string, memo: PipelineMemo): StepView[] {
  return memo.steps.map((s) => {
    const fanOut = s.items !== null;
    const instances: InstanceView[] = [...s.st].map((letter, n) => {
      const status = STATUS.get(letter) ?? StepStatus.waiting;
      const item = fanOut ? n : null;
      const extra = s.ex?.[String(n)] ?? {};
      return {
        key: instanceKey(s.id, item),
        item,
        status,
        runId:
          extra.r !== undefined ? extra.r : hasRun(status) ? stepRunId(runId, s.id, item) : null,
        error: extra.e ?? null,
        carriedFrom: extra.c ?? null,
      };
    });
    return {
      id: s.id,
      role: s.role,
      status: s.status,
      needs: s.needs,
      reason: s.reason,
      instances,
      items: s.items,
      output: null,
    };
  });
}

/** Statuses an instance has only once its run started (or was carried over). */
function hasRun(status: StepStatus): boolean {
  return status !== StepStatus.waiting && status !== StepStatus.skipped;
}
