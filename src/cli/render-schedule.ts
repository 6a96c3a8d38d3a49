import { formatDuration } from '../domain/duration.js';
import { encodeDecisionCursor } from '../views/cursors.js';
import { ON_TIME_TOLERANCE_MS } from '../domain/schedule/policies.js';
import type { Schedule } from '../domain/schedule/model.js';
import type { ScheduleDetail } from '../services/schedules.js';
import { table } from './render.js';

export { describeCron, occurrenceJson, scheduleDetailJson, scheduleJson } from '../views/json.js';
import { describeCron } from '../views/json.js';

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
      `${s.policies.catchupWindowMs < ON_TIME_TOLERANCE_MS ? ' (an occurrence up to 10 s late still starts)' : ''}` +
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
    ...(d.moreDecisions ? [`  … older: --before ${encodeDecisionCursor(d.moreDecisions)}`] : []),
    '',
    'recent runs',
    ...(d.recentRuns.length ? d.recentRuns.map((r) => `  ${r.id}  ${r.status}`) : ['  none yet']),
  ];
  return lines.join('\n');
}
