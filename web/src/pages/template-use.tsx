/**
 * "New from template": a template's parameters as form fields, the directory its files go to on
 * the server host, and the schedule to create (its suggested cron, editable). The answer lists
 * the files written and the verdict, and links to the new schedule. A problem lands at its
 * field (aria-invalid + aria-describedby), as in the schedule form.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { api, ApiError, data, type Schemas } from '../api/client';
import { Field } from './schedule-form';

type Detail = Schemas['TemplateDetail'];
type Result = Schemas['TemplateUseResult'];

const HOST_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function TemplateUsePage() {
  const { name = '' } = useParams<{ name: string }>();
  const template = useQuery({
    queryKey: ['template', name],
    queryFn: () => data(api.GET('/templates/{name}', { params: { path: { name } } })),
  });
  if (template.isError) return <p className="error-text">{(template.error as Error).message}</p>;
  if (!template.data) return <p aria-busy="true">Loading…</p>;
  return <TemplateForm key={name} template={template.data} />;
}

interface Problem {
  readonly field: string;
  readonly message: string;
}

/** Where a refusal belongs: `details.field` (`dir`, `schedule.cron`…) or the first issue's. */
function problemOf(err: unknown): Problem {
  if (!(err instanceof ApiError)) return { field: '(form)', message: (err as Error).message };
  const issues = err.details.issues as Problem[] | undefined;
  const field = typeof err.details.field === 'string' ? err.details.field : issues?.[0]?.field;
  return { field: field ?? '(form)', message: err.message };
}

/** The verdict's problems by field: `params.<key>` for a parameter, else the form. */
function verdictProblems(result: Result | undefined): Problem[] {
  if (!result) return [];
  const v = result.verdict;
  const errors = v.errors.map((e) => ({
    field: e.path.startsWith('params.') ? e.path : '(form)',
    message: e.message,
  }));
  const reasons = v.valid
    ? v.headless.reasons.map((r) => {
        const key = /^parameter `([^`]+)`/.exec(r)?.[1];
        return { field: key ? `params.${key}` : '(form)', message: r };
      })
    : [];
  return [...errors, ...reasons];
}

interface Values {
  params: Record<string, string>;
  dir: string;
  force: boolean;
  schedule: boolean;
  'schedule.id': string;
  'schedule.cron': string;
  'schedule.timezone': string;
}

type Describe = (field: string) => {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
};

const FIELDS = ['dir', 'schedule.id', 'schedule.cron', 'schedule.timezone'];

function useTemplateUse(template: Detail, values: Values) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: () =>
      data(
        api.POST('/templates/{name}/use', {
          params: { path: { name: template.name } },
          body: {
            dir: values.dir.trim(),
            params: Object.fromEntries(Object.entries(values.params).filter(([, v]) => v !== '')),
            force: values.force,
            schedule: values.schedule
              ? {
                  id: values['schedule.id'].trim(),
                  cron: values['schedule.cron'].trim(),
                  timezone: values['schedule.timezone'].trim(),
                }
              : undefined,
          },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['schedules'] }),
  });
}

function TemplateForm({ template }: { template: Detail }) {
  const [values, setValues] = useState<Values>({
    params: {},
    dir: '',
    force: false,
    schedule: true,
    'schedule.id': template.name,
    'schedule.cron': template.schedule.cron,
    'schedule.timezone': HOST_ZONE,
  });
  const [missingDir, setMissingDir] = useState(false);
  const use = useTemplateUse(template, values);
  const problems = use.isError ? [problemOf(use.error)] : verdictProblems(use.data);
  if (missingDir) problems.push({ field: 'dir', message: 'give the directory the files go to' });
  const errorAt = (field: string) => problems.find((p) => p.field === field)?.message;
  const describe: Describe = (field) => ({
    id: `f-${field}`,
    'aria-invalid': errorAt(field) ? true : undefined,
    'aria-describedby': errorAt(field) ? `f-${field}-error` : undefined,
  });
  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const text = (field: (typeof FIELDS)[number] & keyof Values, label: string, hint: string) => (
    <Field field={field} label={label} error={errorAt(field)} hint={hint}>
      <input
        {...describe(field)}
        value={values[field] as string}
        onChange={(e) => set(field, e.target.value)}
      />
    </Field>
  );
  const check = (field: 'force' | 'schedule', label: string, hint?: string) => (
    <Field field={field} label={label} error={undefined} hint={hint}>
      <input
        {...describe(field)}
        type="checkbox"
        checked={values[field]}
        onChange={(e) => set(field, e.target.checked)}
      />
    </Field>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMissingDir(values.dir.trim() === '');
    if (values.dir.trim() !== '') use.mutate();
  };
  const others = problems.filter(
    (p) => !p.field.startsWith('params.') && !FIELDS.includes(p.field),
  );

  return (
    <>
      <h1>New from template: {template.title}</h1>
      <p>{template.description}</p>
      <p className="muted">
        <span className="mono">{template.name}</span> · {template.kind} · files:{' '}
        {template.files.map((f) => f.path).join(', ')}
      </p>
      <form className="schedule-form" noValidate onSubmit={submit}>
        <fieldset>
          <legend>Parameters</legend>
          {template.parameters.length === 0 && <p className="muted">This template has none.</p>}
          {template.parameters.map((p) => (
            <ParameterField
              key={p.name}
              param={p}
              value={values.params[p.name] ?? ''}
              onChange={(value) => set('params', { ...values.params, [p.name]: value })}
              error={errorAt(`params.${p.name}`)}
              describe={describe}
            />
          ))}
        </fieldset>
        {text(
          'dir',
          'Directory',
          `an absolute path on the server host, e.g. /home/you/recipes/${template.name}; created if missing`,
        )}
        {check('force', 'Overwrite differing files')}
        {check('schedule', 'Create a schedule', `suggested: ${template.schedule.description}`)}
        {values.schedule && (
          <>
            {text('schedule.id', 'Schedule id', 'a name of your choice')}
            {text('schedule.cron', 'Cron', '5 fields: minute hour day month weekday')}
            {text('schedule.timezone', 'Time zone', 'an IANA zone, e.g. Europe/Berlin')}
          </>
        )}
        {others.length > 0 && (
          <div role="alert">
            {others.map((p) => (
              <p key={p.field + p.message} className="error-text">
                {p.message}
              </p>
            ))}
          </div>
        )}
        <div className="row">
          <button type="submit" disabled={use.isPending}>
            Create from template
          </button>
          <Link href="/templates">Back to templates</Link>
        </div>
      </form>
      {use.data && <Outcome result={use.data} />}
    </>
  );
}

/** A declared parameter: a list for `select`, text otherwise; its default as the placeholder. */
function ParameterField(props: {
  param: Detail['parameters'][number];
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  describe: Describe;
}) {
  const { param: p, value, onChange, error, describe } = props;
  const field = `params.${p.name}`;
  const fallback =
    p.default === null ? '' : ` (default: ${p.default === '' ? 'empty' : p.default})`;
  return (
    <Field
      field={field}
      label={`${p.name} (${p.requirement})`}
      error={error}
      hint={p.description + fallback}
    >
      {p.options ? (
        <select {...describe(field)} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{p.default !== null ? `default (${p.default})` : 'choose…'}</option>
          {p.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...describe(field)}
          inputMode={p.inputType === 'number' ? 'numeric' : undefined}
          placeholder={p.default ?? ''}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

function Outcome({ result }: { result: Result }) {
  const v = result.verdict;
  return (
    <section aria-labelledby="outcome-heading" aria-live="polite">
      <h2 id="outcome-heading">Written to {result.dir}</h2>
      <ul className="written">
        {result.files.map((f) => (
          <li key={f.path}>
            <span className="muted">{f.status}</span> <span className="mono">{f.path}</span>
          </li>
        ))}
      </ul>
      <p>
        {!v.valid
          ? `Not valid: ${v.errors.length} error(s).`
          : v.headless.ok
            ? 'Valid, runs headless.'
            : `Valid, but cannot run headless: ${v.headless.reasons.join('; ')}`}
      </p>
      {result.schedule ? (
        <p>
          Schedule{' '}
          <Link href={`/schedules/${encodeURIComponent(result.schedule.id)}`}>
            {result.schedule.id}
          </Link>{' '}
          created ({result.schedule.cron}, {result.schedule.timezone}).
        </p>
      ) : (
        result.scheduleSkipped && <p className="warn-text">No schedule: {result.scheduleSkipped}</p>
      )}
    </section>
  );
}
