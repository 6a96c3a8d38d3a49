import { useState, type KeyboardEvent } from 'react';
import type { Schemas } from './api/client';
import { duration, when } from './format';

type Decision = Schemas['Decision'];

/** Every fate an occurrence can have (src/domain/schedule/model.ts), with a symbol and words. */
export const FATES = {
  started: { mark: 'S', text: 'started' },
  skipped_overlap: { mark: 'O', text: 'skipped (overlap)' },
  skipped_paused: { mark: 'P', text: 'skipped (paused)' },
  missed_catchup: { mark: 'M', text: 'missed (was down)' },
  buffered: { mark: 'B', text: 'buffered' },
} as const;

const fateOf = (d: string) => FATES[d as keyof typeof FATES] ?? { mark: '?', text: d };

/** The reason an occurrence met its fate, in words, from the decision and its detail. */
export function reasonOf(d: Decision): string {
  const late = typeof d.detail.lateMs === 'number' ? d.detail.lateMs : null;
  const via = d.source === 'schedule' ? '' : ` (by ${d.source})`;
  switch (d.decision) {
    case 'started':
      return `run ${d.runId ?? '?'} started${via}${late && late > 1_000 ? `, ${duration(late)} late` : ''}${
        Array.isArray(d.detail.stopOthers) ? `, stopping ${d.detail.stopOthers.join(', ')}` : ''
      }`;
    case 'skipped_overlap':
      return `an earlier run was still running and the overlap policy skips${via}`;
    case 'skipped_paused':
      return `the schedule was paused${via}`;
    case 'missed_catchup':
      return `nothing was running goose-flow then${
        typeof d.detail.lateByMs === 'number'
          ? `; ${duration(d.detail.lateByMs)} late, past the catch-up window`
          : ''
      }${via}`;
    case 'buffered':
      return d.releasedAt
        ? `waited behind a running run, released ${when(d.releasedAt)}${d.runId ? ` as ${d.runId}` : ''}${via}`
        : `waits for the running run to end${via}`;
    default:
      return d.decision + via;
  }
}

/**
 * The occurrence ledger: one cell per occurrence, oldest first, coloured and marked by fate. A
 * cell's reason shows below the grid when it is hovered or focused (and is its accessible name);
 * the legend counts each fate.
 */
export function OccurrenceLedger({ decisions }: { decisions: readonly Decision[] }) {
  const [shown, setShown] = useState<number | null>(null);
  const list = [...decisions].reverse();
  const counts = new Map<string, number>();
  for (const d of list) counts.set(d.decision, (counts.get(d.decision) ?? 0) + 1);
  const pick = shown === null ? null : list[shown];
  // One tab stop for the grid (the newest cell, or the one last shown); arrows move within it.
  const stop = shown !== null && shown < list.length ? shown : list.length - 1;
  const move = (e: KeyboardEvent<HTMLElement>, i: number) => {
    const to =
      e.key === 'ArrowRight'
        ? i + 1
        : e.key === 'ArrowLeft'
          ? i - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? list.length - 1
              : null;
    if (to === null || to < 0 || to >= list.length) return;
    e.preventDefault();
    setShown(to);
    (
      e.currentTarget.parentElement?.parentElement?.children[to]
        ?.firstElementChild as HTMLElement | null
    )?.focus();
  };
  return (
    <div className="ledger">
      <ul className="legend" aria-label="Fates">
        {Object.entries(FATES).map(([key, f]) => (
          <li key={key}>
            <span className={`cell ${key}`} aria-hidden="true">
              {f.mark}
            </span>{' '}
            {f.text} <span className="muted">({counts.get(key) ?? 0})</span>
          </li>
        ))}
      </ul>
      <ol className="grid" aria-label="Occurrences, oldest first (arrow keys move)">
        {list.map((d, i) => {
          const f = fateOf(d.decision);
          const label = `${when(d.scheduledAt)}: ${f.text}. ${reasonOf(d)}`;
          return (
            <li key={`${d.scheduledAt}-${d.source}-${i}`}>
              <span
                className={`cell ${d.decision}`}
                data-fate={d.decision}
                tabIndex={i === stop ? 0 : -1}
                onKeyDown={(e) => move(e, i)}
                role="img"
                aria-label={label}
                title={label}
                onMouseEnter={() => setShown(i)}
                onFocus={() => setShown(i)}
              >
                {f.mark}
              </span>
            </li>
          );
        })}
      </ol>
      <p className="muted occurrence-detail" aria-hidden="true" data-testid="occurrence-detail">
        {pick
          ? `${when(pick.scheduledAt)} — ${fateOf(pick.decision).text}: ${reasonOf(pick)}`
          : 'Hover or focus an occurrence for its reason.'}
      </p>
    </div>
  );
}
