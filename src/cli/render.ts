import { basename } from 'node:path';
import type { Run } from '../domain/run.js';
import { formatDuration } from '../domain/duration.js';
import type { RunDetail } from '../services/runs.js';

export { attemptJson, eventJson, runDetailJson, runJson } from '../views/json.js';

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

export function runDetailText(d: RunDetail & { stepRuns?: readonly Run[] }, now: number): string {
  const r = d.run;
  const lines = [
    `run        ${r.id}`,
    `status     ${r.status}${r.error ? ` — ${r.error}` : ''}`,
    `${r.kind === 'pipeline' ? 'pipeline' : 'recipe  '}   ${r.recipePath} (snapshot ${r.recipeHash.slice(0, 12)})`,
    ...(r.parent
      ? [
          `step       ${r.parent.step}${r.parent.item === null ? '' : ` item ${r.parent.item}`} of pipeline run ${r.parent.runId}`,
        ]
      : []),
    ...(r.resumeOf ? [`resumes    ${r.resumeOf}`] : []),
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
    ...(d.pipeline ? ['', ...pipelineText(d.pipeline, d.stepRuns ?? [], now)] : []),
    ...(d.output && r.kind === 'recipe' ? ['', 'output', indent(outputText(d.output.value))] : []),
    ...(r.kind === 'pipeline' ? [] : ['', 'attempts', attemptsTable(d, now)]),
    '',
    'timeline',
    ...d.events.map(
      (e) =>
        `  ${localTime(e.at)}.${String(e.at % 1000).padStart(3, '0')}  ${e.type}${e.attempt ? ` #${e.attempt}` : ''}${describeData(e.data)}`,
    ),
  ];
  return lines.join('\n');
}

function attemptsTable(d: RunDetail, now: number): string {
  return table(
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
  );
}

/** The steps of a pipeline run: one row per step instance, with its run's timing and output. */
function pipelineText(
  p: NonNullable<RunDetail['pipeline']>,
  stepRuns: readonly Run[],
  now: number,
): string[] {
  const runs = new Map(stepRuns.map((x) => [x.id, x]));
  const rows = p.steps.flatMap((s) => {
    const head = s.role === 'handler' ? `${s.id} (handler)` : s.id;
    const why = s.reason ?? '';
    if (s.instances.length === 0) return [[head, s.status, '-', '-', '-', why, preview(s.output)]];
    return s.instances.map((i, n) => {
      const run = i.runId ? runs.get(i.runId) : undefined;
      const started = run?.startedAt ?? null;
      return [
        s.instances.length > 1 || i.item !== null ? `${n === 0 ? head : ''}[${i.item}]` : head,
        i.status,
        started === null ? '-' : formatDuration((run?.endedAt ?? now) - started),
        run ? String(run.attemptCount) : '-',
        i.carriedFrom ? `carried from ${i.carriedFrom}` : (i.runId ?? '-'),
        i.error ?? (n === 0 ? why : ''),
        s.instances.length === 1 ? preview(s.output) : '',
      ];
    });
  });
  return [
    `steps (${p.name})`,
    table(['STEP', 'STATUS', 'DURATION', 'ATTEMPTS', 'RUN', 'REASON', 'OUTPUT'], rows),
  ];
}

/** One line of an output: text as is, anything else as JSON; long ones cut (`--json` has all). */
function preview(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function outputText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function describeData(data: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(data).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return parts.length ? `  ${parts.join(' ')}` : '';
}
