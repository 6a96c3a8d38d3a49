/**
 * Create or edit a schedule. While the user types, the server previews the body (debounced): each
 * problem is shown at its field (aria-invalid + aria-describedby), with the next fires in the
 * schedule's zone and the clock changes that move them. A server error on save lands at its field.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ApiError, data, type Schemas } from '../api/client';
import { useIdParam } from '../route-param';

type Body = Schemas['ScheduleCreate'];
type Overlap = Schemas['OverlapPolicy'];
const OVERLAPS: Overlap[] = [
  'skip',
  'buffer_one',
  'buffer_all',
  'cancel_other',
  'terminate_other',
  'allow_all',
];

interface ParamRow {
  readonly key: string;
  readonly value: string;
}

interface FormValues {
  id: string;
  recipe: string;
  cron: string;
  timezone: string;
  overlap: Overlap;
  catchupWindow: string;
  catchup: 'all' | 'latest';
  jitter: string;
  start: string;
  end: string;
  timeout: string;
  retries: string;
  pauseOnFailure: boolean;
  paused: boolean;
  note: string;
  /** Values of the recipe's declared parameters, by name. */
  declared: Record<string, string>;
  /** Free rows: parameters the recipe does not declare (or not yet known). */
  extra: ParamRow[];
}

const HOST_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const ZONES: readonly string[] = (() => {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
})();

const EMPTY: FormValues = {
  id: '',
  recipe: '',
  cron: '',
  timezone: HOST_ZONE,
  overlap: 'skip',
  catchupWindow: '',
  catchup: 'all',
  jitter: '',
  start: '',
  end: '',
  timeout: '',
  retries: '',
  pauseOnFailure: false,
  paused: false,
  note: '',
  declared: {},
  extra: [],
};

/** Milliseconds as the API's duration text: `90s`, `2h`, `1d`, `0` → ''. */
function durationText(ms: number): string {
  if (!ms) return '';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function valuesOf(s: Schemas['Schedule']): FormValues {
  return {
    ...EMPTY,
    id: s.id,
    recipe: s.recipe,
    cron: s.cron,
    timezone: s.timezone,
    overlap: s.overlap,
    catchupWindow: durationText(s.catchupWindowMs),
    catchup: s.catchup,
    jitter: durationText(s.jitterMs),
    start: s.start ?? '',
    end: s.end ?? '',
    timeout: durationText(s.timeoutMs),
    retries: String(Math.max(0, s.maxAttempts - 1)),
    pauseOnFailure: s.pauseOnFailure,
    paused: s.paused,
    note: s.note ?? '',
    extra: Object.entries(s.params).map(([key, value]) => ({ key, value })),
  };
}

/** The body the API takes: empty fields are left out (the server's defaults apply). */
function bodyOf(v: FormValues, declaredNames: readonly string[]): Body {
  const params: Record<string, string> = {};
  for (const row of v.extra) if (row.key.trim()) params[row.key.trim()] = row.value;
  for (const name of declaredNames) {
    const value = v.declared[name];
    if (value !== undefined && value !== '') params[name] = value;
  }
  const text = (s: string) => (s.trim() === '' ? undefined : s.trim());
  const retries = text(v.retries);
  return {
    id: v.id,
    cron: v.cron.trim(),
    recipe: v.recipe.trim(),
    timezone: text(v.timezone),
    overlap: v.overlap,
    catchupWindow: text(v.catchupWindow),
    catchup: v.catchup,
    jitter: text(v.jitter),
    start: text(v.start),
    end: text(v.end),
    timeout: text(v.timeout),
    retries: retries === undefined ? undefined : Number(retries),
    pauseOnFailure: v.pauseOnFailure,
    paused: v.paused,
    note: text(v.note),
    params,
  };
}

/** Where a server error belongs: `details.field`, the first schema issue, or `field 'x':`. */
function fieldOfError(err: unknown): { field: string; message: string } {
  if (!(err instanceof ApiError)) return { field: '(form)', message: (err as Error).message };
  const d = err.details;
  const issues = d.issues as { field: string; message: string }[] | undefined;
  const raw =
    typeof d.field === 'string'
      ? d.field
      : (issues?.[0]?.field ?? /^field '([^']+)'/.exec(err.message)?.[1] ?? '(form)');
  const field = /^field '(.+)':$/.exec(raw)?.[1] ?? (raw === 'expression' ? 'cron' : raw);
  return { field, message: issues?.[0] && !d.field ? issues[0].message : err.message };
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function ScheduleNewPage() {
  return <ScheduleForm initial={EMPTY} editing={null} />;
}

export function ScheduleEditPage() {
  const id = useIdParam();
  const schedule = useQuery({
    queryKey: ['schedule', id],
    queryFn: () => data(api.GET('/schedules/{id}', { params: { path: { id } } })),
  });
  if (schedule.isError) return <p className="error-text">{(schedule.error as Error).message}</p>;
  if (!schedule.data) return <p aria-busy="true">Loading…</p>;
  return <ScheduleForm initial={valuesOf(schedule.data)} editing={schedule.data} />;
}

function ScheduleForm({
  initial,
  editing,
}: {
  initial: FormValues;
  editing: Schemas['Schedule'] | null;
}) {
  const [values, setValues] = useState<FormValues>(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [serverError, setServerError] = useState<{ field: string; message: string } | null>(null);
  const [, navigate] = useLocation();
  const queries = useQueryClient();

  const [declaredNames, setDeclaredNames] = useState<readonly string[]>([]);
  const body = useMemo(() => bodyOf(values, declaredNames), [values, declaredNames]);
  const previewBody = useDebounced(body, 300);
  const preview = useQuery({
    queryKey: ['schedule-preview', editing ? null : 'new', previewBody],
    queryFn: () => {
      const { id, ...rest } = previewBody;
      const b = editing ? rest : { ...rest, id };
      return data(
        api.POST('/schedules/preview', {
          body: { ...b, recipe: b.recipe || undefined },
        }),
      );
    },
    placeholderData: keepPreviousData,
    retry: false,
  });
  const p = preview.data;
  const parameters = useMemo(() => p?.parameters ?? [], [p]);
  useEffect(() => {
    const names = parameters.map((x) => x.name);
    setDeclaredNames((old) => (old.join('\n') === names.join('\n') ? old : names));
  }, [parameters]);

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setTouched((t) => (t.has(key) ? t : new Set(t).add(key)));
    if (serverError?.field === key) setServerError(null);
  };

  const save = useMutation({
    mutationFn: async () => {
      const { id: _id, ...rest } = body;
      if (!editing) return data(api.POST('/schedules', { body }));
      const patch = { ...rest, recipe: rest.recipe === editing.recipe ? undefined : rest.recipe };
      return data(
        api.PATCH('/schedules/{id}', { params: { path: { id: editing.id } }, body: patch }),
      );
    },
    onSuccess: async (saved) => {
      await queries.invalidateQueries({ queryKey: ['schedules'] });
      await queries.invalidateQueries({ queryKey: ['schedule', saved.id] });
      navigate(editing ? `/schedules/${encodeURIComponent(saved.id)}` : '/schedules');
    },
    onError: (err) => setServerError(fieldOfError(err)),
  });

  /** The problem to show at a field: a save's error, else the preview's once it was touched. */
  const errorAt = (field: string): string | undefined => {
    if (serverError?.field === field) return serverError.message;
    if (!touched.has(field.split('.')[0]!) && !save.isError) return undefined;
    return p?.errors.find((e) => e.field === field)?.message;
  };
  const describe = (field: string) => {
    const error = errorAt(field);
    return {
      id: `f-${field}`,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': error ? `f-${field}-error` : undefined,
    } as const;
  };
  const known = new Set([
    'id',
    'recipe',
    'cron',
    'timezone',
    'overlap',
    'catchupWindow',
    'catchup',
    'jitter',
    'start',
    'end',
    'timeout',
    'retries',
    'pauseOnFailure',
    'paused',
    'note',
    'params',
  ]);
  const otherErrors = [
    ...(serverError && !known.has(serverError.field.split('.')[0]!) ? [serverError] : []),
    ...(touched.size > 0
      ? (p?.errors ?? []).filter((e) => !known.has(e.field.split('.')[0]!))
      : []),
  ];
  const paramErrors = (p?.errors ?? [])
    .filter(
      (e) =>
        e.field.startsWith('params.') && !declaredNames.includes(e.field.slice('params.'.length)),
    )
    .concat(serverError?.field.startsWith('params') ? [serverError] : []);

  const text = (
    field: keyof FormValues & string,
    label: string,
    hint?: string,
    extra: Record<string, unknown> = {},
  ) => (
    <Field field={field} label={label} error={errorAt(field)} hint={hint}>
      <input
        {...describe(field)}
        {...extra}
        value={values[field] as string}
        onChange={(e) => set(field, e.target.value as never)}
      />
    </Field>
  );

  return (
    <>
      <h1>
        {editing ? (
          <>
            Edit schedule <span className="mono">{editing.id}</span>
          </>
        ) : (
          'New schedule'
        )}
      </h1>
      <form
        className="schedule-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(new Set(known));
          save.mutate();
        }}
      >
        {!editing && text('id', 'Id', 'a name of your choice, e.g. nightly-report')}
        {text('recipe', 'Recipe path', 'a .yaml, .yml or .json file on the server host')}
        {text('cron', 'Cron', '5 fields (minute hour day month weekday), @daily, or @every 30m')}
        <Field
          field="timezone"
          label="Time zone"
          error={errorAt('timezone')}
          hint="an IANA zone, e.g. Europe/Berlin"
        >
          <input
            {...describe('timezone')}
            list="zones"
            value={values.timezone}
            onChange={(e) => set('timezone', e.target.value)}
          />
        </Field>
        <datalist id="zones">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <Field field="overlap" label="When the previous run still goes" error={errorAt('overlap')}>
          <select
            {...describe('overlap')}
            value={values.overlap}
            onChange={(e) => set('overlap', e.target.value as Overlap)}
          >
            {OVERLAPS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </Field>
        {text('catchupWindow', 'Catch-up window', 'how late a missed fire may still run, e.g. 1h')}
        <Field field="catchup" label="Missed fires to catch up" error={errorAt('catchup')}>
          <select
            {...describe('catchup')}
            value={values.catchup}
            onChange={(e) => set('catchup', e.target.value as 'all' | 'latest')}
          >
            <option value="all">all</option>
            <option value="latest">latest only</option>
          </select>
        </Field>
        {text('jitter', 'Jitter', 'each fire up to this much later, e.g. 5m')}
        {text('start', 'Start', 'ISO time, e.g. 2026-12-01T09:00:00Z (optional)')}
        {text('end', 'End', 'ISO time (optional)')}
        {text('timeout', 'Timeout', 'per attempt, e.g. 30m (default: the server’s)')}
        {text('retries', 'Retries', '0–100', { inputMode: 'numeric' })}
        <Field field="pauseOnFailure" label="Pause on failure" error={errorAt('pauseOnFailure')}>
          <input
            {...describe('pauseOnFailure')}
            type="checkbox"
            checked={values.pauseOnFailure}
            onChange={(e) => set('pauseOnFailure', e.target.checked)}
          />
        </Field>
        <Field field="paused" label="Paused" error={errorAt('paused')}>
          <input
            {...describe('paused')}
            type="checkbox"
            checked={values.paused}
            onChange={(e) => set('paused', e.target.checked)}
          />
        </Field>
        {text('note', 'Note', 'why it is paused, or anything else')}

        <fieldset>
          <legend>Parameters</legend>
          {parameters.map((param) => {
            const field = `params.${param.name}`;
            const error = errorAt(field);
            return (
              <Field
                key={param.name}
                field={field}
                label={`${param.name} (${param.requirement})`}
                error={error}
                hint={param.description}
              >
                <input
                  {...describe(field)}
                  placeholder={param.default ?? ''}
                  value={values.declared[param.name] ?? ''}
                  onChange={(e) => {
                    setValues((v) => ({
                      ...v,
                      declared: { ...v.declared, [param.name]: e.target.value },
                      extra: v.extra.filter((r) => r.key !== param.name),
                    }));
                    setTouched((t) => new Set(t).add('params'));
                  }}
                />
              </Field>
            );
          })}
          {values.extra.map((row, i) => (
            <div className="row" key={i}>
              <label htmlFor={`param-key-${i}`}>Name</label>
              <input
                id={`param-key-${i}`}
                value={row.key}
                onChange={(e) =>
                  set(
                    'extra',
                    values.extra.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)),
                  )
                }
              />
              <label htmlFor={`param-value-${i}`}>Value</label>
              <input
                id={`param-value-${i}`}
                value={row.value}
                onChange={(e) =>
                  set(
                    'extra',
                    values.extra.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)),
                  )
                }
              />
              <button
                type="button"
                aria-label={`Remove parameter ${row.key || i + 1}`}
                onClick={() =>
                  set(
                    'extra',
                    values.extra.filter((_, j) => j !== i),
                  )
                }
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => set('extra', [...values.extra, { key: '', value: '' }])}
          >
            Add parameter
          </button>
          {paramErrors.map((e) => (
            <p key={e.field + e.message} className="error-text">
              {e.field}: {e.message}
            </p>
          ))}
        </fieldset>

        {otherErrors.length > 0 && (
          <div role="alert">
            {otherErrors.map((e) => (
              <p key={e.field + e.message} className="error-text">
                {e.message}
              </p>
            ))}
          </div>
        )}
        <div className="row">
          <button type="submit" disabled={save.isPending}>
            {editing ? 'Save changes' : 'Create schedule'}
          </button>
          <Link href={editing ? `/schedules/${encodeURIComponent(editing.id)}` : '/schedules'}>
            Cancel
          </Link>
        </div>
      </form>

      <section aria-labelledby="preview-heading" aria-live="polite">
        <h2 id="preview-heading">Preview</h2>
        {!p ? (
          <p className="muted">Type a cron to see when it fires.</p>
        ) : (
          <>
            {p.describe && <p>{p.describe}</p>}
            {p.next.length > 0 ? (
              <>
                <p className="muted">Next fires ({p.timezone}):</p>
                <ol className="next-fires">
                  {p.next.map((t) => {
                    const note = p.dstNotes.find((n) => n.at === t);
                    return (
                      <li key={t}>
                        <time dateTime={t}>{t.replace('T', ' ')}</time>
                        {note && <strong className="dst-note"> — clock change: {note.note}</strong>}
                      </li>
                    );
                  })}
                </ol>
              </>
            ) : (
              <p className="muted">No fire times while the schedule has errors.</p>
            )}
            {p.dstNotes
              .filter((n) => !p.next.includes(n.at))
              .map((n) => (
                <p key={n.at} className="dst-note">
                  Clock change at {n.at}: {n.note}
                </p>
              ))}
            {p.warnings.map((w) => (
              <p key={w} className="warn-text">
                {w}
              </p>
            ))}
          </>
        )}
      </section>
    </>
  );
}

/** A labelled form field with its hint and its error (pointed at by the control's aria-describedby). */
export function Field({
  field,
  label,
  error,
  hint,
  children,
}: {
  field: string;
  label: string;
  error: string | undefined;
  hint?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={`f-${field}`}>{label}</label>
      {children}
      {hint && <span className="muted hint">{hint}</span>}
      {error && (
        <p id={`f-${field}-error`} className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
