import { basename } from 'node:path';
import type { Attempt, Run, RunEvent } from '../domain/run.js';
import { formatDuration } from '../domain/duration.js';
import type { RunDetail } from '../services/runs.js';

/**
 * The `--json` shapes. They are part of goose-flow's interface (docs/cli-json.md): add fields,
 * never rename or remove them. Times are ISO-8601 UTC strings; durations are milliseconds.
 */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const span = (from: number | null, to: number | null) =>
  from === null || to === null ? null : to - from;

export function runJson(run: Run) {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    scheduleId: run.scheduleId,
    recipe: run.recipePath,
    recipeHash: run.recipeHash,
    params: run.params,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    durationMs: span(run.startedAt, run.endedAt),
    attempts: run.attemptCount,
    sessionId: run.sessionId,
    exitCode: run.exitCode,
    error: run.error,
  };
}

export function attemptJson(a: Attempt) {
  return {
    number: a.number,
    status: a.status,
    pid: a.process?.pid ?? null,
    startedAt: iso(a.startedAt),
    endedAt: iso(a.endedAt),
    durationMs: span(a.startedAt, a.endedAt),
    deadlineAt: iso(a.deadlineAt),
    heartbeatAt: iso(a.heartbeatAt),
    exitCode: a.exitCode,
    signal: a.signal,
    failure: a.failure,
    log: { path: a.logPath, bytes: a.logBytes, truncated: a.logTruncated },
  };
}

export function eventJson(e: RunEvent) {
  return { seq: e.seq, at: iso(e.at), type: e.type, attempt: e.attempt, data: e.data };
}

export function runDetailJson(d: RunDetail) {
  const { options } = d.run;
  return {
    ...runJson(d.run),
    options: {
      timeoutMs: options.timeoutMs,
      graceMs: options.graceMs,
      cwd: options.cwd,
      logCapBytes: options.logCapBytes,
      retryPolicy: options.retryPolicy,
    },
    attempts: d.attempts.map(attemptJson),
    timeline: d.events.map(eventJson),
    /** The attempt running now, as its executor last reported it (Temporal: from its heartbeat). */
    live: d.live,
  };
}

const localTime = (ms: number | null) =>
  ms === null ? '-' : new Date(ms).toLocaleString('sv-SE', { hour12: false }).slice(0, 19);

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function runsTable(runs: readonly Run[], now: number): string {
  if (runs.length === 0) return 'no runs';
  return table(
    ['RUN', 'STATUS', 'RECIPE', 'STARTED', 'DURATION', 'ATTEMPTS', 'EXIT'],
    runs.map((r) => [
      r.id,
      r.status,
      basename(r.recipePath),
      localTime(r.startedAt ?? r.createdAt),
      r.startedAt === null ? '-' : formatDuration((r.endedAt ?? now) - r.startedAt),
      String(r.attemptCount),
      r.exitCode === null ? '-' : String(r.exitCode),
    ]),
  );
}

export function runDetailText(d: RunDetail, now: number): string {
  const r = d.run;
  const lines = [
    `run        ${r.id}`,
    `status     ${r.status}${r.error ? ` — ${r.error}` : ''}`,
    `recipe     ${r.recipePath} (snapshot ${r.recipeHash.slice(0, 12)})`,
    `params     ${
      Object.entries(r.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-'
    }`,
    `session    ${r.sessionId ?? '-'}`,
    `created    ${localTime(r.createdAt)}`,
    `duration   ${r.startedAt === null ? '-' : formatDuration((r.endedAt ?? now) - r.startedAt)}`,
    `options    timeout ${formatDuration(r.options.timeoutMs)}, grace ${formatDuration(r.options.graceMs)}, ` +
      `max attempts ${r.options.retryPolicy.maxAttempts}, cwd ${r.options.cwd}`,
    ...(d.live?.host
      ? [
          `live       attempt ${d.live.attempt} on ${d.live.host}${d.live.pid ? ` (pid ${d.live.pid})` : ''}, log ${d.live.logPath ?? '-'}`,
        ]
      : []),
    '',
    'attempts',
    table(
      ['#', 'STATUS', 'PID', 'STARTED', 'DURATION', 'EXIT', 'LOG'],
      d.attempts.map((a) => [
        String(a.number),
        a.status,
        a.process ? String(a.process.pid) : '-',
        localTime(a.startedAt),
        formatDuration((a.endedAt ?? now) - a.startedAt),
        a.exitCode !== null ? String(a.exitCode) : (a.signal ?? a.failure ?? '-'),
        `${a.logPath} (${a.logBytes} B${a.logTruncated ? ', capped' : ''})`,
      ]),
    ),
    '',
    'timeline',
    ...d.events.map(
      (e) =>
        `  ${localTime(e.at)}.${String(e.at % 1000).padStart(3, '0')}  ${e.type}${e.attempt ? ` #${e.attempt}` : ''}${describeData(e.data)}`,
    ),
  ];
  return lines.join('\n');
}

function describeData(data: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(data).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return parts.length ? `  ${parts.join(' ')}` : '';
}
