import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../api/client';
import { duration, relative, when } from '../format';
import { useNow } from '../now';
import { RunsTable } from '../runs-table';
import { failingSchedules, perHour, useRecentRuns } from '../recent-runs';
import { StackedBars } from '../stacked-bars';

const OUTCOMES = [
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'running',
  'retrying',
  'pending',
] as const;

export function OverviewPage() {
  const status = useQuery({ queryKey: ['status'], queryFn: () => data(api.GET('/status')) });
  const schedules = useQuery({
    queryKey: ['schedules', 'list'],
    queryFn: () => data(api.GET('/schedules', { params: { query: { limit: 1000 } } })),
  });
  const recent = useRecentRuns();
  const now = useNow(1_000);
  const s = status.data;
  if (!s) return <p aria-busy="true">Loading…</p>;
  const next = (schedules.data?.schedules ?? [])
    .filter((x) => !x.paused && x.nextRuns[0])
    .map((x) => ({ id: x.id, at: x.nextRuns[0]! }))
    .sort((a, b) => a.at.localeCompare(b.at))
    .slice(0, 8);
  return (
    <>
      <h1>Overview</h1>
      <div className="cards">
        <div className="card">
          <div className="muted">Engine</div>
          <div className="big">{s.engine}</div>
          {s.temporal ? (
            <div className="muted">
              {s.temporal.address} · {s.temporal.workers} worker(s)
            </div>
          ) : (
            <div className={s.daemon ? '' : 'error-text'}>
              {s.daemon
                ? `daemon pid ${s.daemon.pid}, since ${when(s.daemon.since)}`
                : 'no daemon: start goose-flow serve'}
            </div>
          )}
        </div>
        <div className="card">
          <div className="muted">Schedules</div>
          <div className="big">{s.schedules.total}</div>
          <div className="muted">
            {s.schedules.active} active · {s.schedules.paused} paused
          </div>
        </div>
        <div className="card">
          <div className="muted">Runs active now</div>
          <div className="big">{s.runs.active}</div>
        </div>
      </div>
      {s.systemJobs.length > 0 && (
        <>
          <h2>System jobs</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Every</th>
                <th scope="col">Last finished</th>
                <th scope="col">Next (about)</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {s.systemJobs.map((j) => (
                <tr key={j.name}>
                  <td>{j.name}</td>
                  <td>{duration(j.everyMs)}</td>
                  <td>{when(j.lastFinishedAt)}</td>
                  <td>
                    {/* The daemon runs each job every `everyMs` from its start. */}
                    {s.daemon &&
                    j.lastStartedAt &&
                    Date.parse(j.lastStartedAt) >= Date.parse(s.daemon.since)
                      ? when(new Date(Date.parse(j.lastStartedAt) + j.everyMs).toISOString())
                      : '—'}
                  </td>
                  <td className="mono">
                    {j.lastResult
                      ? Object.entries(j.lastResult)
                          .map(([k, v]) => `${k} ${String(v)}`)
                          .join(', ')
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Runs per hour, last 24 hours</h2>
      {recent.data ? (
        <StackedBars
          keys={OUTCOMES}
          buckets={perHour(recent.data.runs, now).map((b) => ({
            label: new Date(b.start).toLocaleTimeString(undefined, {
              hour: '2-digit',
              minute: '2-digit',
            }),
            counts: b.counts,
          }))}
          caption={`${recent.data.runs.length} run(s) created in the last 24 hours${
            recent.data.capped ? ' (the newest 2,000 only)' : ''
          }, per hour and outcome.`}
        />
      ) : recent.isError ? (
        <p className="error-text">{(recent.error as Error).message}</p>
      ) : (
        <p aria-busy="true">Loading…</p>
      )}
      <h2>Failing schedules</h2>
      {!recent.data ? null : failingSchedules(recent.data.runs).length === 0 ? (
        <p className="muted">No schedule's last run (in the last 24 hours) failed.</p>
      ) : (
        <ul>
          {failingSchedules(recent.data.runs).map((r) => (
            <li key={r.scheduleId}>
              <Link href={`/schedules/${encodeURIComponent(r.scheduleId!)}`}>{r.scheduleId}</Link>:
              last run <Link href={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>{' '}
              <span className={`status ${r.status}`}>{r.status}</span> {when(r.endedAt)}
            </li>
          ))}
        </ul>
      )}
      <h2>Next fires</h2>
      {next.length === 0 ? (
        <p className="muted">Nothing scheduled.</p>
      ) : (
        <ul>
          {next.map((n) => (
            <li key={n.id}>
              <Link href={`/schedules/${encodeURIComponent(n.id)}`}>{n.id}</Link> at {when(n.at)}{' '}
              <span className="muted">({relative(n.at, now)})</span>
            </li>
          ))}
        </ul>
      )}
      <h2>Runs active now</h2>
      <RunsTable query={{ status: 'running' }} empty="No run is running." />
    </>
  );
}
