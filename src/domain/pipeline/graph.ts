/** The step graph: `needs` that name no step, cycles (named), and an order that respects `needs`. */
import { ProblemCode } from '../recipe/model.js';
import type { Findings, ParsedStep } from './findings.js';

/** Steps in an order where each comes after what it needs (file order kept where free); null on error. */
export function orderSteps(steps: readonly ParsedStep[], findings: Findings): ParsedStep[] | null {
  const byId = new Map(steps.map((s) => [s.plan.id, s]));
  let ok = true;
  for (const s of steps) {
    s.plan.needs.forEach((need, i) => {
      if (byId.has(need)) return;
      ok = false;
      const at = [...s.at, 'needs', ...(s.plan.needs.length > 1 || i > 0 ? [i] : [])];
      findings.error(
        ProblemCode.stepUnknown,
        at,
        `step \`${s.plan.id}\` needs \`${need}\`, which is not a step (steps: ${[...byId.keys()].join(', ')})`,
      );
    });
  }
  if (!ok) return null;
  const cycle = findCycle(steps, byId);
  if (cycle) {
    const first = byId.get(cycle[0]!)!;
    findings.error(
      ProblemCode.stepCycle,
      [...first.at, 'needs'],
      `steps form a cycle: ${cycle.join(' → ')}`,
    );
    return null;
  }
  const done = new Set<string>();
  const placed = new Set<ParsedStep>();
  const out: ParsedStep[] = [];
  while (out.length < steps.length) {
    const next = steps.find((s) => !placed.has(s) && s.plan.needs.every((n) => done.has(n)))!;
    done.add(next.plan.id);
    placed.add(next);
    out.push(next);
  }
  return out;
}

function findCycle(steps: readonly ParsedStep[], byId: Map<string, ParsedStep>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const need of byId.get(id)!.plan.needs) {
      const found = visit(need);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const s of steps) {
    const found = visit(s.plan.id);
    if (found) return found.reverse();
  }
  return null;
}

/** Every step a step needs, directly or through others. */
export function ancestorsOf(
  id: string,
  steps: ReadonlyMap<string, { needs: readonly string[] }>,
): Set<string> {
  const out = new Set<string>();
  const stack = [...(steps.get(id)?.needs ?? [])];
  while (stack.length) {
    const n = stack.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    stack.push(...(steps.get(n)?.needs ?? []));
  }
  return out;
}
