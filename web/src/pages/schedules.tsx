import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, data } from '../api/client';
import { relative, when } from '../format';
import { useNow } from '../now';

export function SchedulesPage() {
  const queries = useQueryClient();
  const now = useNow(1_000);
  const [filter, setFilter] = useState('');
  const schedules = useQuery({
    queryKey: ['schedules', 'list'],
    queryFn: () => data(api.GET('/schedules', { params: { query: { limit: 1000 } } })),
  });
  const act = useMutation({
    mutationFn: async ({
      id,
      verb,
    }: {
      id: string;
      verb: 'trigger' | 'pause' | 'resume' | 'delete';
    }) => {
      const path = { params: { path: { id } } };
      if (verb === 'delete') return data(api.DELETE('/schedules/{id}', path));
      if (verb === 'trigger')
        return data(api.POST('/schedules/{id}/trigger', { ...path, body: {} }));
      if (verb === 'pause') return data(api.POST('/schedules/{id}/pause', { ...path, body: {} }));
      return data(api.POST('/schedules/{id}/resume', { ...path, body: {} }));
    },
    onSettled: () => queries.invalidateQueries({ queryKey: ['schedules'] }),
  });
  const list = (schedules.data?.schedules ?? []).filter(
    (s) => !filter || s.id.includes(filter) || s.recipe.includes(filter),
  );
  return (
    <>
      <h1>Schedules</h1>
      <Link href="/schedules/new">New schedule</Link>
      <div className="row">
        <label htmlFor="filter">Filter</label>
        <input id="filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      {act.isError && (
        <p className="error-text" role="alert">
          {(act.error as Error).message}
        </p>
      )}
      {schedules.isError ? (
        <p className="error-text">{(schedules.error as Error).message}</p>
      ) : !schedules.data ? (
        <p aria-busy="true">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted">No schedule{filter ? ' matches' : ' yet'}.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Cron</th>
              <th scope="col">Zone</th>
              <th scope="col">Next fire</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id} data-schedule={s.id}>
                <td>
                  <Link href={`/schedules/${encodeURIComponent(s.id)}`}>{s.id}</Link>
                  <div className="muted mono">{s.recipe}</div>
                </td>
                <td className="mono">{s.cron}</td>
                <td>{s.timezone}</td>
                <td>
                  {s.paused ? (
                    '—'
                  ) : (
                    <>
                      {when(s.nextRuns[0])}
                      <div className="muted">{relative(s.nextRuns[0], now)}</div>
                    </>
                  )}
                </td>
                <td>{s.paused ? `paused${s.note ? `: ${s.note}` : ''}` : 'active'}</td>
                <td className="row">
                  <button onClick={() => act.mutate({ id: s.id, verb: 'trigger' })}>Run now</button>
                  <button
                    onClick={() => act.mutate({ id: s.id, verb: s.paused ? 'resume' : 'pause' })}
                  >
                    {s.paused ? 'Resume' : 'Pause'}
                  </button>
                  <button
                    className="danger"
                    onClick={() => {
                      if (window.confirm(`Delete schedule ${s.id}? Its runs stay in the history.`))
                        act.mutate({ id: s.id, verb: 'delete' });
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
