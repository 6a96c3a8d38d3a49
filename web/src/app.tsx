import { useQuery } from '@tanstack/react-query';
import { Link, Route, Switch, useLocation } from 'wouter';
import { api, ApiError, data, Unreachable } from './api/client';
import { useLiveUpdates } from './live';
import { TokenPrompt } from './token-prompt';
import { OverviewPage } from './pages/overview';
import { SchedulesPage } from './pages/schedules';
import { ScheduleDetailPage } from './pages/schedule-detail';
import { ScheduleEditPage, ScheduleNewPage } from './pages/schedule-form';
import { RunsPage } from './pages/runs';
import { RunDetailPage } from './pages/run-detail';
import { RecipesPage } from './pages/recipes';
import { TemplatesPage } from './pages/templates';
import { TemplateUsePage } from './pages/template-use';

const NAV = [
  ['/', 'Overview'],
  ['/schedules', 'Schedules'],
  ['/runs', 'Runs'],
  ['/recipes', 'Recipes'],
  ['/templates', 'Templates'],
] as const;

/**
 * The shell: the pages render at once (each fetches its own data); the server's status, fetched
 * beside them, replaces them with the token prompt or the "unreachable" notice when it must.
 */
export function App() {
  const status = useQuery({
    queryKey: ['status'],
    queryFn: () => data(api.GET('/status')),
    retry: false,
    refetchInterval: (q) => (q.state.error instanceof Unreachable ? 2_000 : 30_000),
  });
  const needsToken = status.error instanceof ApiError && status.error.status === 401;
  const unreachable = status.error instanceof Unreachable;
  const live = useLiveUpdates(status.isSuccess);
  const [location] = useLocation();

  return (
    <>
      <header className="top">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <span className="brand">goose-flow</span>
        <nav aria-label="Pages">
          {NAV.map(([href, label]) => (
            <Link
              key={href}
              href={href}
              aria-current={
                (href === '/' ? location === '/' : location.startsWith(href)) ? 'page' : undefined
              }
            >
              {label}
            </Link>
          ))}
        </nav>
        <span className={`live ${live ? 'on' : 'off'}`} role="status">
          {status.data
            ? `${status.data.engine}${live ? ' · live' : ' · reconnecting…'}`
            : 'connecting…'}
        </span>
      </header>
      <main id="main">
        {needsToken ? (
          <TokenPrompt onSaved={() => void status.refetch()} />
        ) : unreachable ? (
          <section className="notice" role="alert">
            <h1>The goose-flow server cannot be reached</h1>
            <p>
              Start it with <code>goose-flow serve --port {window.location.port || '80'}</code>.
              This page retries every 2 seconds.
            </p>
          </section>
        ) : status.isError ? (
          <section className="notice" role="alert">
            <h1>The server answered with an error</h1>
            <p>{(status.error as Error).message}</p>
          </section>
        ) : (
          <Switch>
            <Route path="/" component={OverviewPage} />
            <Route path="/schedules" component={SchedulesPage} />
            <Route path="/schedules/new" component={ScheduleNewPage} />
            <Route path="/schedules/:id/edit" component={ScheduleEditPage} />
            <Route path="/schedules/:id" component={ScheduleDetailPage} />
            <Route path="/runs" component={RunsPage} />
            <Route path="/runs/:id" component={RunDetailPage} />
            <Route path="/recipes" component={RecipesPage} />
            <Route path="/templates" component={TemplatesPage} />
            <Route path="/templates/:name" component={TemplateUsePage} />
            <Route>
              <section className="notice">
                <h1>No such page</h1>
                <Link href="/">Overview</Link>
              </section>
            </Route>
          </Switch>
        )}
      </main>
    </>
  );
}
