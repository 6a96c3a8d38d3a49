import { useState } from 'react';
import { useSearchParams } from 'wouter';
import type { Schemas } from '../api/client';
import { RunRows, useRunsPage, type RunsQuery } from '../runs-table';

const STATUSES = [
  'pending',
  'running',
  'retrying',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
] as const satisfies readonly Schemas['RunStatus'][];
const SIZES = [50, 200, 1000] as const;
const TRIGGERS = [
  'manual',
  'schedule',
  'backfill',
] as const satisfies readonly Schemas['Run']['trigger'][];
/** Time ranges as the URL names them (`?within=1h`), back from now. */
const WITHIN = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;

/**
 * Runs with their filters in the URL (`?status=&schedule=&trigger=&within=&size=&cursor=`), so links, reload and
 * back/forward keep them; "Next page" follows the API's cursor, "Previous page" pops a stack.
 */
export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((s) => s === params.get('status'));
  const scheduleId = params.get('schedule') ?? '';
  const asked = Number(params.get('size'));
  const size = Number.isInteger(asked) && asked >= 1 && asked <= 1000 ? asked : 50;
  const cursor = params.get('cursor') ?? '';
  const trigger = TRIGGERS.find((t) => t === params.get('trigger'));
  const within = Object.keys(WITHIN).find((w) => w === params.get('within')) as
    keyof typeof WITHIN | undefined;
  // The range starts when it was chosen (kept while paging, so the pages stay one listing).
  const [since] = useState(() => new Map<string, string>());
  if (within && !since.has(within))
    since.set(within, new Date(Date.now() - WITHIN[within]).toISOString());
  const [before, setBefore] = useState<string[]>([]);
  const query: RunsQuery = {
    limit: size,
    ...(status ? { status } : {}),
    ...(scheduleId ? { scheduleId } : {}),
    ...(trigger ? { trigger } : {}),
    ...(within ? { since: since.get(within)! } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const runs = useRunsPage(query);

  /** Sets filters (dropping the cursor and its stack unless one is given). */
  const go = (change: Record<string, string>, keepStack = false) => {
    if (!keepStack) setBefore([]);
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (!('cursor' in change)) next.delete('cursor');
      for (const [k, v] of Object.entries(change)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      return next;
    });
  };

  return (
    <>
      <h1>Runs</h1>
      <form
        className="row"
        role="search"
        aria-label="Filter runs"
        onSubmit={(e) => e.preventDefault()}
      >
        <label htmlFor="status">Status</label>
        <select id="status" value={status ?? ''} onChange={(e) => go({ status: e.target.value })}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label htmlFor="schedule">Schedule</label>
        <input
          id="schedule"
          defaultValue={scheduleId}
          key={scheduleId}
          placeholder="schedule id"
          onBlur={(e) =>
            e.target.value.trim() !== scheduleId && go({ schedule: e.target.value.trim() })
          }
          onKeyDown={(e) => {
            if (e.key === 'Enter') go({ schedule: e.currentTarget.value.trim() });
          }}
        />
        <label htmlFor="trigger">Trigger</label>
        <select
          id="trigger"
          value={trigger ?? ''}
          onChange={(e) => go({ trigger: e.target.value })}
        >
          <option value="">any</option>
          {TRIGGERS.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label htmlFor="within">Created</label>
        <select
          id="within"
          value={within ?? ''}
          onChange={(e) => {
            since.delete(e.target.value);
            go({ within: e.target.value });
          }}
        >
          <option value="">any time</option>
          <option value="1h">in the last hour</option>
          <option value="24h">in the last 24 hours</option>
          <option value="7d">in the last 7 days</option>
        </select>
        <label htmlFor="size">Per page</label>
        <select id="size" value={size} onChange={(e) => go({ size: e.target.value })}>
          {(SIZES.some((s) => s === size) ? SIZES : [size, ...SIZES]).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </form>
      {runs.isError ? (
        <p className="error-text">{(runs.error as Error).message}</p>
      ) : !runs.data ? (
        <p aria-busy="true">Loading…</p>
      ) : runs.data.runs.length === 0 ? (
        <p className="muted">No run matches.</p>
      ) : (
        <RunRows runs={runs.data.runs} />
      )}
      <nav className="row pager" aria-label="Pages of runs">
        <button
          type="button"
          disabled={!cursor}
          onClick={() => {
            const stack = before.slice(0, -1);
            setBefore(stack);
            go({ cursor: before[before.length - 1] ?? '' }, true);
          }}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={!runs.data?.nextCursor}
          onClick={() => {
            setBefore([...before, cursor]);
            go({ cursor: runs.data!.nextCursor! }, true);
          }}
        >
          Next page
        </button>
        <span className="muted">page {before.length + 1}</span>
      </nav>
    </>
  );
}
