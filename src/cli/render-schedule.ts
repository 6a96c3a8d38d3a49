import cronstrue from 'cronstrue';
import { formatDuration } from '../domain/duration.js';
import type { Schedule } from '../domain/schedule/model.js';
import type { OccurrenceRecord } from '../engines/ports.js';
import type { ScheduleDetail } from '../services/schedules.js';
import { runJson, table } from './render.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The `--json` shape of a schedule (stable: fields are added, never renamed or removed). */
export function scheduleJson(s: Schedule, next: readonly number[] = []) {
  return {
    id: s.id,
    cron: s.spec.expression,
    timezone: s.spec.timezone,
    jitterMs: s.spec.jitterMs,
    start: iso(s.spec.startAt),
    end: iso(s.spec.endAt),
    overlap: s.policies.overlap,
    catchupWindowMs: s.policies.catchupWindowMs,
    catchup: s.policies.catchupLatestOnly ? 'latest' : 'all',
    pauseOnFailure: s.policies.pauseOnFailure,
    paused: s.state.paused,
    note: s.state.note,
    remainingActions: s.state.remainingActions,
    recipe: s.action.recipePath,
    recipeHash: s.action.recipeHash,
    followSource: s.action.followSource,
    params: s.action.params,
    timeoutMs: s.action.timeoutMs,
    maxAttempts: s.action.retryPolicy.maxAttempts,
    cwd: s.action.cwd,
    mode: s.action.mode,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    nextRuns: next.map((t) => iso(t)),
  };
}

export function occurrenceJson(o: OccurrenceRecord) {
  return {
    scheduledAt: iso(o.scheduledAt),
    source: o.source,
    decision: o.decision,
    runId: o.runId,
    decidedAt: iso(o.decidedAt),
    releasedAt: iso(o.releasedAt),
    detail: o.detail,
  };
}

export function scheduleDetailJson(d: ScheduleDetail) {
  return {
    ...scheduleJson(d.schedule, d.next),
    description: describeCron(d.schedule.spec.expression),
    waiting: d.waiting,
    recentRuns: d.recentRuns.map(runJson),
    decisions: d.decisions.map(occurrenceJson),
    /** Totals the engine keeps (Temporal); null on the embedded engine, which lists every decision. */
    counts: d.counts,
  };
}

export function describeCron(expression: string): string {
  const every = /^@every\s+(.+)$/.exec(expression.trim());
  if (every) return `Every ${every[1]}`;
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true });
  } catch {
    return expression;
  }
}

/** A time in the schedule's own zone, e.g. `2026-11-28 09:00:00 Europe/Berlin`. */
export function zoned(ms: number, zone: string): string {
  return `${new Date(ms).toLocaleString('sv-SE', { timeZone: zone, hour12: false })} ${zone}`;
}

export function schedulesTable(
  rows: readonly { schedule: Schedule; next: number | null }[],
): string {
  if (rows.length === 0) return 'no schedules';
  return table(
    ['SCHEDULE', 'CRON', 'ZONE', 'STATE', 'OVERLAP', 'NEXT RUN', 'RECIPE'],
    rows.map(({ schedule: s, next }) => [
      s.id,
      s.spec.expression,
      s.spec.timezone,
      s.state.paused ? 'paused' : 'active',
      s.policies.overlap,
      next === null ? '-' : zoned(next, s.spec.timezone),
      s.action.recipePath,
    ]),
  );
}

export function scheduleDetailText(d: ScheduleDetail): string {
  const s = d.schedule;
  const zone = s.spec.timezone;
  const lines = [
    `schedule   ${s.id}${s.state.paused ? `  (paused${s.state.note ? `: ${s.state.note}` : ''})` : ''}`,
    `cron       ${s.spec.expression} — ${describeCron(s.spec.expression)} (${zone})`,
    `recipe     ${s.action.recipePath} (snapshot ${s.action.recipeHash.slice(0, 12)}${s.action.followSource ? ', follows the source' : ''})`,
    `params     ${
      Object.entries(s.action.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-'
    }`,
    `policies   overlap ${s.policies.overlap}, catch-up window ${formatDuration(s.policies.catchupWindowMs)}` +
      `${s.policies.catchupLatestOnly ? ' (latest only)' : ''}${s.policies.pauseOnFailure ? ', pause on failure' : ''}` +
      `${s.spec.jitterMs ? `, jitter ${formatDuration(s.spec.jitterMs)}` : ''}` +
      `${s.state.remainingActions !== null ? `, ${s.state.remainingActions} runs left` : ''}`,
    `runs       timeout ${formatDuration(s.action.timeoutMs)}, max attempts ${s.action.retryPolicy.maxAttempts}, mode ${s.action.mode}`,
    '',
    'next runs',
    ...(d.next.length ? d.next.map((t) => `  ${zoned(t, zone)}`) : ['  none']),
    '',
    ...(d.counts
      ? [
          `counts     ${d.counts.taken} started, ${d.counts.skippedOverlap} skipped (overlap), ${d.counts.missedCatchup} missed (catch-up window)`,
          '',
        ]
      : []),
    `recent decisions${d.waiting ? ` (${d.waiting} waiting)` : ''}`,
    ...(d.decisions.length
      ? d.decisions.map(
          (o) =>
            `  ${zoned(o.scheduledAt, zone)}  ${o.source.padEnd(8)} ${o.decision.padEnd(15)} ${o.runId ?? ''}`,
        )
      : ['  none yet']),
    '',
    'recent runs',
    ...(d.recentRuns.length ? d.recentRuns.map((r) => `  ${r.id}  ${r.status}`) : ['  none yet']),
  ];
  return lines.join('\n');
}
