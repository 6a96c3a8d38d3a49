import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/domain/duration.js';
import { UsageError } from '../../src/domain/errors.js';
import { DEFAULT_RETRY_POLICY, withRetries } from '../../src/domain/retry-policy.js';
import { OVERLAP_POLICIES, type Schedule } from '../../src/domain/schedule/model.js';
import {
  exportSchedules,
  formatDurationExact,
  parseScheduleFile,
  type ScheduleDraft,
} from '../../src/domain/schedule/transfer.js';

const FILE = 'schedules.json';
const json = (value: unknown) => JSON.stringify(value, null, 2);

/** What parseScheduleFile throws, as a UsageError (fails the test when it does not throw). */
function refusal(text: string, file = 'in.yaml'): UsageError {
  try {
    parseScheduleFile(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected the file to be refused');
}

/** One export-format entry with the required fields, plus `over`. */
const exportFile = (...entries: Record<string, unknown>[]) =>
  json({ version: 1, schedules: entries.map((e) => ({ recipe: 'r.yaml', cron: '@daily', ...e })) });

describe('Goose legacy schedules.json', () => {
  // Shaped as Goose wrote it: execution_mode present (null when unset), 7-field crons from the
  // Temporal era, a 6-field seconds-first one from tokio-cron-scheduler, and a 5-field one.
  const legacy = json([
    {
      id: 'daily-digest',
      source: '/home/me/.local/share/goose/scheduled_recipes/daily-digest.yaml',
      cron: '0 30 9 * * 1-5 *',
      last_run: '2025-06-02T09:30:00.123Z',
      currently_running: false,
      paused: false,
      current_session_id: null,
      process_start_time: null,
      execution_mode: null,
    },
    {
      id: 'hourly-triage',
      source: 'recipes/triage.yaml',
      cron: '15 0 * * * *',
      last_run: null,
      currently_running: true,
      paused: true,
      current_session_id: '20250602_101500',
      process_start_time: '2025-06-02T10:15:00Z',
      execution_mode: 'foreground',
    },
    { id: 'weekly', source: 'weekly.yaml', cron: '0 8 * * 1', execution_mode: 'background' },
  ]);

  it('maps every job to a draft with goose-flow defaults', () => {
    const [digest] = parseScheduleFile(legacy, FILE);
    expect(digest).toEqual<ScheduleDraft>({
      id: 'daily-digest',
      expression: '0 30 9 * * 1-5 *',
      timezone: 'UTC',
      jitterMs: 0,
      startAt: null,
      endAt: null,
      overlap: 'skip',
      catchupWindowMs: 0,
      catchupLatestOnly: false,
      pauseOnFailure: false,
      paused: false,
      note: null,
      remainingActions: null,
      recipePath: '/home/me/.local/share/goose/scheduled_recipes/daily-digest.yaml',
      followSource: false,
      params: {},
      timeoutMs: null,
      retries: null,
      cwd: null,
      mode: 'background',
      notes: [
        'cron read in UTC, as the Goose version that wrote this file did',
        'last ran in Goose at 2025-06-02T09:30:00.123Z',
      ],
    });
  });

  it('keeps 5-, 6- and 7-field crons as written', () => {
    expect(parseScheduleFile(legacy, FILE).map((d) => d.expression)).toEqual([
      '0 30 9 * * 1-5 *',
      '15 0 * * * *',
      '0 8 * * 1',
    ]);
  });

  it('carries pause over with a note, ignores the running state, and keeps foreground mode', () => {
    const triage = parseScheduleFile(legacy, FILE)[1]!;
    expect(triage).toMatchObject({
      paused: true,
      note: 'imported from Goose (paused)',
      mode: 'foreground',
      recipePath: 'recipes/triage.yaml',
    });
    expect(triage.notes).toContain(
      'Goose recorded that it was running (session 20250602_101500, started 2025-06-02T10:15:00Z); that run is not adopted',
    );
  });

  it('reads a later Goose file: missing optional fields, host zone, parameters, unknown fields', () => {
    const later = json([
      {
        id: 'report',
        source: 'report.yaml',
        cron: '0 0 9 * * *',
        parameters: [['team', 'core']],
        recipe_base_dir: '/src/recipes',
        run_count: 3,
      },
    ]);
    const [report] = parseScheduleFile(later, FILE);
    expect(report).toMatchObject({
      timezone: null,
      paused: false,
      note: null,
      mode: 'background',
      params: { team: 'core' },
    });
    expect(report!.notes).toEqual([
      "cron read in this host's time zone, as Goose's scheduler did",
      "Goose resolved the recipe's relative paths against /src/recipes",
      'ignored Goose fields: run_count',
    ]);
  });

  it('says when Goose ignored a year that goose-flow will honour', () => {
    const file = json([{ id: 'y', source: 'y.yaml', cron: '0 0 9 1 1 * 2030', paused: false }]);
    expect(parseScheduleFile(file, FILE)[0]!.notes).toContain(
      "Goose ignored the year field '2030'; goose-flow honours it",
    );
  });

  it('reads an empty job list', () => {
    expect(parseScheduleFile('[]', FILE)).toEqual([]);
  });

  it('refuses a job without a recipe source, naming the entry and field', () => {
    const err = refusal(
      json([
        { id: 'a', source: 'a.yaml', cron: '@daily' },
        { id: 'b', cron: '@daily' },
      ]),
      FILE,
    );
    expect(err.message).toBe("schedules.json: job [1] (id 'b'), field 'source': is required");
    expect(err.details).toMatchObject({ file: FILE, index: 1, id: 'b', field: 'source' });
  });

  it('refuses an unknown execution mode with the allowed ones', () => {
    const err = refusal(
      json([{ id: 'a', source: 'a.yaml', cron: '@daily', execution_mode: 'tray' }]),
      FILE,
    );
    expect(err.message).toBe(
      "schedules.json: job [0] (id 'a'), field 'execution_mode': must be one of background, foreground (got 'tray')",
    );
  });

  it('refuses a bad cron with the reason', () => {
    const err = refusal(json([{ id: 'a', source: 'a.yaml', cron: '0 9 * *' }]), FILE);
    expect(err.message).toBe(
      "schedules.json: job [0] (id 'a'), field 'cron': invalid cron '0 9 * *': expected 5 fields (minute hour day-of-month month day-of-week), 6 (with seconds first) or 7 (with year last), got 4",
    );
  });

  it('refuses an entry that is not a mapping', () => {
    expect(refusal(json(['a.yaml']), FILE).message).toBe(
      "schedules.json: job [0]: must be a mapping of fields (got 'a.yaml')",
    );
  });

  it('refuses duplicate ids, naming both positions', () => {
    const job = { id: 'same', source: 'a.yaml', cron: '@daily' };
    expect(refusal(json([job, { ...job, cron: '@hourly' }]), FILE).message).toBe(
      "schedules.json: job [1] (id 'same'): the id is already used by job [0]; ids must be unique within a file",
    );
  });
});

const HOUR = 3_600_000;
const fullSchedule: Schedule = {
  id: 'nightly-report',
  spec: {
    expression: '0 30 2 * * 1-5',
    timezone: 'Europe/Berlin',
    jitterMs: 90_000,
    startAt: Date.parse('2026-01-01T00:00:00Z'),
    endAt: Date.parse('2027-01-01T00:00:00.250Z'),
  },
  policies: {
    overlap: 'buffer_one',
    catchupWindowMs: 1.5 * HOUR,
    catchupLatestOnly: true,
    pauseOnFailure: true,
  },
  state: { paused: true, note: 'paused for: the migration #2', remainingActions: 7 },
  action: {
    recipePath: 'recipes/report.yaml',
    recipeHash: 'sha256:abc',
    followSource: true,
    params: { team: 'core', count: '3', flag: 'true', empty: '', multi: 'a\nb' },
    timeoutMs: 2 * HOUR + 1_500,
    retryPolicy: withRetries(DEFAULT_RETRY_POLICY, 4),
    cwd: '/srv/work dir',
    mode: 'foreground',
  },
  createdAt: 1,
  updatedAt: 2,
  decidedThrough: 3,
  next: null,
};

const minimalSchedule: Schedule = {
  ...fullSchedule,
  id: 'every-30s',
  spec: { expression: '@every 30s', timezone: 'UTC', jitterMs: 0, startAt: null, endAt: null },
  policies: {
    overlap: 'skip',
    catchupWindowMs: 0,
    catchupLatestOnly: false,
    pauseOnFailure: false,
  },
  state: { paused: false, note: null, remainingActions: null },
  action: {
    ...fullSchedule.action,
    params: {},
    cwd: null,
    followSource: false,
    mode: 'background',
  },
};

/** The fields of a schedule a draft carries. */
function draftOf(s: Schedule): Omit<ScheduleDraft, 'notes'> {
  return {
    id: s.id,
    ...s.spec,
    ...s.policies,
    ...s.state,
    recipePath: s.action.recipePath,
    followSource: s.action.followSource,
    params: { ...s.action.params },
    timeoutMs: s.action.timeoutMs,
    retries: s.action.retryPolicy.maxAttempts - 1,
    cwd: s.action.cwd,
    mode: s.action.mode,
  };
}

describe('goose-flow export format', () => {
  it('round-trips every field a draft carries', () => {
    const text = exportSchedules([fullSchedule, minimalSchedule]);
    const drafts = parseScheduleFile(text, 'export.yaml');
    expect(drafts).toEqual([
      { ...draftOf(fullSchedule), notes: [] },
      { ...draftOf(minimalSchedule), notes: [] },
    ]);
  });

  it('writes readable YAML with human durations and omits empty optionals', () => {
    const text = exportSchedules([fullSchedule, minimalSchedule]);
    expect(text).toMatch(/^# goose-flow schedules export, format version 1\n\nversion: 1\n/);
    expect(text).toContain('jitter: 1m30s\n');
    expect(text).toContain('catchup_window: 1h30m\n');
    expect(text).toContain('timeout: 7201500ms\n');
    expect(text).toContain('retries: 4\n');
    expect(text).toContain('start: 2026-01-01T00:00:00.000Z\n');
    const minimal = text.slice(text.indexOf('id: every-30s'));
    expect(minimal).toContain('catchup_window: 0s\n');
    expect(minimal).toContain('catchup: all\n');
    for (const absent of ['jitter:', 'start:', 'end:', 'note:', 'remaining_actions:', 'cwd:'])
      expect(minimal).not.toContain(absent);
  });

  it('exports an empty list', () => {
    expect(parseScheduleFile(exportSchedules([]), 'empty.yaml')).toEqual([]);
  });

  it('reads a hand-written file with only the required fields, using defaults', () => {
    const text =
      'version: 1\nschedules:\n  - id: tidy\n    cron: "*/15 * * * *"\n    recipe: ./tidy.yaml\n    params: {n: 2, dry: false}\n';
    expect(parseScheduleFile(text, 'hand.yaml')).toEqual<ScheduleDraft[]>([
      {
        id: 'tidy',
        expression: '*/15 * * * *',
        timezone: null,
        jitterMs: 0,
        startAt: null,
        endAt: null,
        overlap: 'skip',
        catchupWindowMs: 0,
        catchupLatestOnly: false,
        pauseOnFailure: false,
        paused: false,
        note: null,
        remainingActions: null,
        recipePath: './tidy.yaml',
        followSource: false,
        params: { n: '2', dry: 'false' },
        timeoutMs: null,
        retries: null,
        cwd: null,
        mode: 'background',
        notes: [],
      },
    ]);
  });

  it('leaves retries to the default when the policy allows unlimited attempts', () => {
    const unlimited: Schedule = {
      ...minimalSchedule,
      action: {
        ...minimalSchedule.action,
        retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 0 },
      },
    };
    const text = exportSchedules([unlimited]);
    expect(text).not.toContain('retries:');
    expect(parseScheduleFile(text, 'x.yaml')[0]!.retries).toBeNull();
  });
});

describe('export format errors', () => {
  it('names the six overlap policies', () => {
    const err = refusal(exportFile({ id: 'a', overlap: 'queue' }));
    expect(err.message).toBe(
      `in.yaml: schedules[0] (id 'a'), field 'overlap': must be one of ${OVERLAP_POLICIES.join(', ')} (got 'queue')`,
    );
    expect(err.details).toMatchObject({ file: 'in.yaml', index: 0, id: 'a', field: 'overlap' });
  });

  it("passes on parseDuration's message for a bad duration", () => {
    expect(refusal(exportFile({ id: 'a', jitter: '5 parsecs' })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'jitter': invalid jitter '5 parsecs': expected a number with a unit (ms, s, m, h, d), e.g. 30s, 30m, 1h30m",
    );
  });

  it('refuses a bare number as a duration', () => {
    expect(refusal(exportFile({ id: 'a', timeout: 90 })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'timeout': must be a duration with a unit, e.g. 30s, 30m, 1h30m (got 90)",
    );
  });

  it('refuses a zero timeout', () => {
    expect(refusal(exportFile({ id: 'a', timeout: '0s' })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'timeout': must be from 100ms to 365d (got '0s')",
    );
  });

  it('refuses an unknown time zone with compileSpec’s reason', () => {
    expect(refusal(exportFile({ id: 'a', timezone: 'Mars/Olympus' })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'timezone': unknown time zone 'Mars/Olympus': use an IANA name such as Europe/Berlin, America/New_York or UTC",
    );
  });

  it('refuses an invalid cron with the reason', () => {
    expect(refusal(exportFile({ id: 'a', cron: '0 25 * * *' })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'cron': invalid cron '0 25 * * *': 25 is out of range for the hour field",
    );
  });

  it('refuses an end before the start', () => {
    const err = refusal(
      exportFile({ id: 'a', start: '2026-02-01T00:00:00Z', end: '2026-01-01T00:00:00Z' }),
    );
    expect(err.message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'end': the end must be after the start",
    );
  });

  it('refuses a start that is not an ISO instant', () => {
    expect(refusal(exportFile({ id: 'a', start: 'tomorrow' })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'start': must be an ISO 8601 instant, e.g. 2026-01-01T09:00:00Z (got 'tomorrow')",
    );
  });

  it('refuses a misspelt field, listing the allowed ones', () => {
    const err = refusal(exportFile({ id: 'a', catchup_windw: '1h' }));
    expect(err.message).toMatch(
      /^in\.yaml: schedules\[0\] \(id 'a'\), field 'catchup_windw': unknown field; allowed: id, cron, timezone, jitter, .*, mode$/,
    );
  });

  it('refuses bad numbers and types', () => {
    expect(refusal(exportFile({ id: 'a', retries: -1 })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'retries': must be at least 0 (got -1)",
    );
    expect(refusal(exportFile({ id: 'a', paused: 'yes' })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'paused': must be a boolean (got 'yes')",
    );
    expect(refusal(exportFile({ id: 'a', params: { deep: { x: 1 } } })).message).toBe(
      "in.yaml: schedules[0] (id 'a'), field 'params.deep': must be a text, number or true/false value (got a mapping)",
    );
  });

  it('refuses an entry without an id, naming its index only', () => {
    expect(refusal(exportFile({ id: 'a' }, { note: 'x' })).message).toBe(
      "in.yaml: schedules[1], field 'id': is required",
    );
  });

  it('refuses duplicate ids, naming both positions', () => {
    const err = refusal(exportFile({ id: 'a' }, { id: 'b' }, { id: 'a' }));
    expect(err.message).toBe(
      "in.yaml: schedules[2] (id 'a'): the id is already used by schedules[0]; ids must be unique within a file",
    );
    expect(err.details).toMatchObject({ index: 2, firstIndex: 0, id: 'a' });
  });

  it('refuses another version, a non-list of schedules, and unknown top-level fields', () => {
    expect(refusal('version: 2\nschedules: []\n').message).toBe(
      'in.yaml: unsupported version 2: this goose-flow reads version 1',
    );
    expect(refusal('version: 1\nschedules: {}\n').message).toBe(
      "in.yaml: field 'schedules' must be a list of schedules",
    );
    expect(refusal('version: 1\nschedules: []\njobs: []\n').message).toBe(
      "in.yaml: unknown top-level field 'jobs'; allowed: version, schedules",
    );
  });
});

describe('file sniffing', () => {
  const neither =
    "not a schedule file: expected Goose's schedules.json (a JSON array of jobs) or a goose-flow export (a mapping with 'version: 1' and 'schedules')";

  it('names both accepted formats for anything else', () => {
    for (const text of ['', 'id: a\ncron: "@daily"\n', '42', '{"schedules": []}'])
      expect(refusal(text).message).toBe(`in.yaml: ${neither}`);
  });

  it('reports where a syntax error is', () => {
    expect(refusal('version: 1\nschedules: [\n', 'bad.yaml').message).toMatch(
      /^bad\.yaml: cannot be read as JSON or YAML: .*line 3, column 1/s,
    );
  });

  it('reads the export format written as JSON', () => {
    expect(parseScheduleFile(exportFile({ id: 'a' }), 'x.json')[0]!.id).toBe('a');
  });
});

describe('formatDurationExact', () => {
  it.each([
    [0, '0s'],
    [1_500, '1500ms'],
    [999, '999ms'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [7_200_000, '2h'],
    [86_400_000, '1d'],
    [93_784_000, '1d2h3m4s'],
    [7_201_500, '7201500ms'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDurationExact(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it('round-trips through parseDuration across magnitudes', () => {
    for (let ms = 1; ms < 10 * 86_400_000; ms = Math.floor(ms * 1.7) + 1_000)
      for (const value of [ms, ms - (ms % 1_000)])
        expect(parseDuration(formatDurationExact(value))).toBe(value);
  });

  it('refuses what no duration can say', () => {
    expect(() => formatDurationExact(-1)).toThrow(UsageError);
    expect(() => formatDurationExact(1.5)).toThrow('expected a whole number >= 0');
  });
});
