/**
 * The template catalogue: the built-in templates and the user's (GOOSE_FLOW_TEMPLATES_DIR), each
 * with what it does and its suggested schedule; choosing one opens its form (template-use.tsx).
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../api/client';

export function TemplatesPage() {
  const templates = useQuery({
    queryKey: ['templates'],
    queryFn: () => data(api.GET('/templates')),
  });
  const list = templates.data?.templates ?? [];
  return (
    <>
      <h1>Templates</h1>
      <p className="muted">
        Ready recipes and pipelines with a suggested schedule. Choose one to write its files on the
        server, fill in its parameters, and schedule it.
      </p>
      {templates.isError ? (
        <p className="error-text">{(templates.error as Error).message}</p>
      ) : !templates.data ? (
        <p aria-busy="true">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted">No template.</p>
      ) : (
        <ul className="cards templates" aria-label="Templates">
          {list.map((t) => (
            <li key={t.name} className="card" data-template={t.name}>
              <h2>
                <Link href={`/templates/${encodeURIComponent(t.name)}`}>{t.title}</Link>
              </h2>
              <p className="muted">
                <span className="mono">{t.name}</span> · {t.kind}
                {t.source === 'user' ? ' · yours' : ''}
              </p>
              <p>{t.description}</p>
              <p>
                Suggested: <span className="mono">{t.schedule.cron}</span> ({t.schedule.description}
                )
              </p>
              {t.note && <p className="warn-text">{t.note}</p>}
            </li>
          ))}
        </ul>
      )}
      {(templates.data?.problems ?? []).length > 0 && (
        <section aria-labelledby="template-problems">
          <h2 id="template-problems">Templates that could not be read</h2>
          <ul>
            {templates.data!.problems.map((p) => (
              <li key={`${p.source}:${p.name}`} className="error-text">
                {p.name} ({p.source}): {p.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
