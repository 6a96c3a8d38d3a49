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

function TemplateForm({ template }: { template: Detail }) {
  const queries = useQueryClient();
  const [params, setParams] = useState<Record<string, string>>({});
  const [dir, setDir] = useState('');
  const [force, setForce] = useState(false);
  const [schedule, setSchedule] = useState(true);
  const [scheduleId, setScheduleId] = useState(template.name);
  const [cron, setCron] = useState(template.schedule.cron);
  const [timezone, setTimezone] = useState(HOST_ZONE);
  const [missingDir, setMissingDir] = useState(false);

  const use = useMutation({
    mutationFn: () => {
      const given = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ''));
      return data(
        api.POST('/templates/{name}/use', {
          params: { path: { name: template.name } },
          body: {
            dir: dir.trim(),
            params: given,
            force,
            schedule: schedule ? { id: scheduleId.trim(), cron: cron.trim(), timezone } : undefined,
          },
        }),
      );
    },
    onSuccess: () => queries.invalidateQueries({ queryKey: ['schedules'] }),
  });
  const problems = use.isError ? [problemOf(use.error)] : verdictProblems(use.data);
  if (missingDir) problems.push({ field: 'dir', message: 'give the directory the files go to' });
  const errorAt = (field: string) => problems.find((p) => p.field === field)?.message;
  const describe = (field: string) => ({
    id: `f-${field}`,
    'aria-invalid': errorAt(field) ? true : undefined,
    'aria-describedby': errorAt(field) ? `f-${field}-error` : undefined,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMissingDir(dir.trim() === '');
    if (dir.trim() !== '') use.mutate();
  };
  const others = problems.filter(
    (p) =>
      !p.field.startsWith('params.') &&
      !['dir', 'schedule.id', 'schedule.cron', 'schedule.timezone'].includes(p.field),
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
          {template.parameters.map((p) => {
            const field = `params.${p.name}`;
            const hint = `${p.description}${p.default !== null ? ` (default: ${p.default === '' ? 'empty' : p.default})` : ''}`;
            const set = (value: string) => setParams((v) => ({ ...v, [p.name]: value }));
            return (
              <Field
                key={p.name}
                field={field}
                label={`${p.name} (${p.requirement})`}
                error={errorAt(field)}
                hint={hint}
              >
                {p.options ? (
                  <select
                    {...describe(field)}
                    value={params[p.name] ?? ''}
                    onChange={(e) => set(e.target.value)}
                  >
                    <option value="">
                      {p.default !== null ? `default (${p.default})` : 'choose…'}
                    </option>
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
                    value={params[p.name] ?? ''}
                    onChange={(e) => set(e.target.value)}
                  />
                )}
              </Field>
            );
          })}
        </fieldset>
        <Field
          field="dir"
          label="Directory"
          error={errorAt('dir')}
          hint={`an absolute path on the server host, e.g. /home/you/recipes/${template.name}; created if missing`}
        >
          <input {...describe('dir')} value={dir} onChange={(e) => setDir(e.target.value)} />
        </Field>
        <Field field="force" label="Overwrite differing files" error={undefined}>
          <input
            {...describe('force')}
            type="checkbox"
            checked={force}
            onChange={(e) => setForce(e.target.checked)}
          />
        </Field>
        <Field
          field="schedule"
          label="Create a schedule"
          error={undefined}
          hint={`suggested: ${template.schedule.description}`}
        >
          <input
            {...describe('schedule')}
            type="checkbox"
            checked={schedule}
            onChange={(e) => setSchedule(e.target.checked)}
          />
        </Field>
        {schedule && (
          <>
            <Field field="schedule.id" label="Schedule id" error={errorAt('schedule.id')}>
              <input
                {...describe('schedule.id')}
                value={scheduleId}
                onChange={(e) => setScheduleId(e.target.value)}
              />
            </Field>
            <Field
              field="schedule.cron"
              label="Cron"
              error={errorAt('schedule.cron')}
              hint="5 fields: minute hour day month weekday"
            >
              <input
                {...describe('schedule.cron')}
                value={cron}
                onChange={(e) => setCron(e.target.value)}
              />
            </Field>
            <Field
              field="schedule.timezone"
              label="Time zone"
              error={errorAt('schedule.timezone')}
              hint="an IANA zone, e.g. Europe/Berlin"
            >
              <input
                {...describe('schedule.timezone')}
                value={timezone}
                onChange={(e) => setTimezone(e.target.value)}
              />
            </Field>
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
