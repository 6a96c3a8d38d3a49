import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../api/client';
import { duration, when } from '../format';
import { RunsTable } from '../runs-table';

export function OverviewPage() {
  const status = useQuery({ queryKey: ['status'], queryFn: () => data(api.GET('/status')) });
  const schedules = useQuery({
    queryKey: ['schedules', 'list'],
    queryFn: () => data(api.GET('/schedules', { params: { query: { limit: 1000 } } })),
  });
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
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {s.systemJobs.map((j) => (
                <tr key={j.name}>
                  <td>{j.name}</td>
                  <td>{duration(j.everyMs)}</td>
                  <td>{when(j.lastFinishedAt)}</td>
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
      <h2>Next fires</h2>
      {next.length === 0 ? (
        <p className="muted">Nothing scheduled.</p>
      ) : (
        <ul>
          {next.map((n) => (
            <li key={n.id}>
              <Link href={`/schedules/${encodeURIComponent(n.id)}`}>{n.id}</Link> at {when(n.at)}
            </li>
          ))}
        </ul>
      )}
      <h2>Runs active now</h2>
      <RunsTable query={{ status: 'running' }} empty="No run is running." />
    </>
  );
}
