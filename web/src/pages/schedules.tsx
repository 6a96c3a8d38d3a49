import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, data, type Schemas } from '../api/client';
import { relative, when } from '../format';
import { useNow } from '../now';
import { OutcomeStrip } from '../outcome-strip';
import { WindowedTable } from '../windowed-table';

type Sort = 'id' | 'next';
const ROW_HEIGHT = 56;

/** "in 42 s": whole seconds (the row ticks once a second). */
const countdown = (iso: string, now: number) =>
  relative(
    new Date(Math.ceil(new Date(iso).getTime() / 1_000) * 1_000).toISOString(),
    Math.floor(now / 1_000) * 1_000,
  );

const nextFire = (s: Schemas['Schedule']) => (!s.paused && s.nextRuns[0]) || '9999-12-31T00:00:00Z';

export function SchedulesPage() {
  const queries = useQueryClient();
  const now = useNow(1_000);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort>('id');
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
  const needle = filter.trim().toLowerCase();
  const list = (schedules.data?.schedules ?? [])
    .filter(
      (s) =>
        !needle ||
        s.id.toLowerCase().includes(needle) ||
        s.recipe.toLowerCase().includes(needle) ||
        s.cron.includes(needle),
    )
    .sort((a, b) =>
      sort === 'id' ? a.id.localeCompare(b.id) : nextFire(a).localeCompare(nextFire(b)),
    );
  const sortButton = (key: Sort, text: string) => (
    <th scope="col" aria-sort={sort === key ? 'ascending' : 'none'}>
      <button type="button" className="link" onClick={() => setSort(key)}>
        {text}
        {sort === key ? ' ▲' : ''}
      </button>
    </th>
  );
  return (
    <>
      <h1>Schedules</h1>
      <div className="row">
        <Link href="/schedules/new">New schedule</Link>
        <Link href="/templates">New from template</Link>
      </div>
      <div className="row">
        <label htmlFor="filter">Filter</label>
        <input
          id="filter"
          type="search"
          placeholder="id, recipe or cron"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="muted" role="status">
          {schedules.data ? `${list.length} of ${schedules.data.schedules.length}` : ''}
        </span>
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
        <WindowedTable
          rows={list}
          rowHeight={ROW_HEIGHT}
          label="Schedules"
          head={
            <tr aria-rowindex={1}>
              {sortButton('id', 'Schedule')}
              <th scope="col">Cron (zone)</th>
              {sortButton('next', 'Next fire')}
              <th scope="col">Last 20 outcomes</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          }
          row={(s, i) => (
            <tr
              key={s.id}
              data-schedule={s.id}
              aria-rowindex={i + 2}
              style={{ height: ROW_HEIGHT }}
            >
              <td className="clip">
                <Link href={`/schedules/${encodeURIComponent(s.id)}`}>{s.id}</Link>
                <div className="muted mono clip">{s.recipe}</div>
              </td>
              <td>
                <span className="mono">{s.cron}</span>
                <div className="muted clip" title={s.description}>
                  {s.description} · {s.timezone}
                </div>
              </td>
              <td>
                {s.paused || !s.nextRuns[0] ? (
                  '—'
                ) : (
                  <>
                    {when(s.nextRuns[0])}
                    <div className="muted">{countdown(s.nextRuns[0], now)}</div>
                  </>
                )}
              </td>
              <td>
                <OutcomeStrip scheduleId={s.id} />
              </td>
              <td className="clip">
                {s.paused ? `paused${s.note ? `: ${s.note}` : ''}` : 'active'}
              </td>
              <td>
                <div className="row nowrap">
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
                </div>
              </td>
            </tr>
          )}
        />
      )}
    </>
  );
}
