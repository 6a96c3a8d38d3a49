import { compileSpec, jitterOffset, type CompiledSpec, type ScheduleSpec } from './spec.js';
import { isExhausted } from './policies.js';
import type { Schedule } from './model.js';

/** A schedule's next occurrence: its scheduled time, and when it fires (with jitter). */
export interface NextFire {
  readonly scheduledAt: number;
  readonly fireAt: number;
}

/**
 * Compiled specs, least recently used first out. A compiled cron is costly to build and to keep
 * (croner allocates ~80 KB per pattern), so a daemon with 10,000 schedules keeps none of them
 * around — only their stored next fire times — and compiles the few that are due.
 */
export class SpecCache {
  private readonly entries = new Map<string, CompiledSpec>();

  constructor(private readonly capacity = 64) {}

  get(spec: ScheduleSpec): CompiledSpec {
    const key = JSON.stringify([spec.expression, spec.timezone, spec.startAt, spec.endAt]);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const compiled = compileSpec(spec);
    this.entries.set(key, compiled);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return compiled;
  }
}

/** The first occurrence after everything decided so far, or null when there is none. */
export function nextFire(
  schedule: Pick<Schedule, 'id' | 'spec' | 'state' | 'decidedThrough'>,
  specs: SpecCache,
): NextFire | null {
  if (isExhausted(schedule.state)) return null;
  const scheduledAt = specs.get(schedule.spec).next(schedule.decidedThrough);
  if (scheduledAt === null) return null;
  return {
    scheduledAt,
    fireAt: scheduledAt + jitterOffset(schedule.id, scheduledAt, schedule.spec.jitterMs),
  };
}

/** The next `count` fire times after `now`, as the spec computes them. */
export function nextTimes(schedule: Schedule, count: number, now: number): number[] {
  const compiled = compileSpec(schedule.spec);
  const out: number[] = [];
  if (schedule.state.remainingActions === 0) return out;
  let t: number | null = Math.max(now, schedule.decidedThrough);
  while (out.length < count && (t = compiled.next(t)) !== null) out.push(t);
  return out.slice(0, schedule.state.remainingActions ?? count);
}
