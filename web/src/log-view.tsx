import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { parseAnsi, stripAnsi } from './ansi';
import { downloadLog, useLogWindow } from './log-source';
import { LogText } from './log-text';
import { findMatches } from './text-search';

/**
 * A run's log: one tab per attempt, the attempt's tail first (byte ranges, "Load earlier" pages
 * back), followed live while the run lives, ANSI colours rendered, search with next/previous, and
 * a download of the whole attempt log.
 */
export function LogView({
  runId,
  attempts,
  live,
}: {
  runId: string;
  attempts: readonly number[];
  live: boolean;
}) {
  const latest = attempts.length > 0 ? attempts[attempts.length - 1]! : null;
  const [picked, setPicked] = useState<number | null>(null);
  const attempt = picked !== null && attempts.includes(picked) ? picked : latest;
  const { win, loadEarlier, full } = useLogWindow(runId, attempt, live && attempt === latest);
  const [scroll, setScroll] = useState(true);
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const [saving, setSaving] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);

  const segments = useMemo(() => parseAnsi(win.text), [win.text]);
  const plain = useMemo(() => stripAnsi(win.text), [win.text]);
  const matches = useMemo(() => findMatches(plain, query), [plain, query]);
  const at = matches.length === 0 ? -1 : Math.min(current, matches.length - 1);

  useEffect(() => {
    if (scroll && !query && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [win.text, scroll, query]);
  useEffect(() => {
    box.current?.querySelector('[data-hit="current"]')?.scrollIntoView({ block: 'center' });
  }, [at, query]);

  const step = (by: number) =>
    matches.length > 0 && setCurrent((at + by + matches.length) % matches.length);
  const onSearchKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    }
  };
  const onTabKey = (e: KeyboardEvent, i: number) => {
    const by = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!by) return;
    const next = attempts[(i + by + attempts.length) % attempts.length]!;
    setPicked(next);
    document.getElementById(`log-tab-${next}`)?.focus();
  };
  const save = async () => {
    if (attempt === null) return;
    setSaving('saving…');
    try {
      await downloadLog(runId, attempt);
      setSaving(null);
    } catch (err) {
      setSaving((err as Error).message);
    }
  };

  return (
    <section aria-label="Log">
      {attempts.length > 1 && (
        <div role="tablist" aria-label="Attempts" className="tabs">
          {attempts.map((n, i) => (
            <button
              key={n}
              id={`log-tab-${n}`}
              role="tab"
              aria-selected={n === attempt}
              aria-controls="log-panel"
              tabIndex={n === attempt ? 0 : -1}
              onClick={() => setPicked(n)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              Attempt {n}
            </button>
          ))}
        </div>
      )}
      <div className="row log-tools">
        <label htmlFor="log-search">Search</label>
        <input
          id="log-search"
          type="search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setCurrent(0);
          }}
          onKeyDown={onSearchKey}
        />
        <button type="button" onClick={() => step(-1)} disabled={matches.length === 0}>
          Previous
        </button>
        <button type="button" onClick={() => step(1)} disabled={matches.length === 0}>
          Next
        </button>
        <span className="muted" role="status" data-testid="log-matches">
          {query ? (matches.length ? `${at + 1} of ${matches.length}` : 'no match') : ''}
        </span>
        <label>
          <input type="checkbox" checked={scroll} onChange={(e) => setScroll(e.target.checked)} />{' '}
          Follow
        </label>
        <button type="button" onClick={() => void save()} disabled={attempt === null}>
          Download
        </button>
        {saving && <span className="muted">{saving}</span>}
        <span className="muted">{live ? 'live' : 'ended'}</span>
      </div>
      {win.start > 0 && (
        <div className="row">
          <button type="button" onClick={() => void loadEarlier()} disabled={full}>
            Load earlier
          </button>
          <span className="muted">
            {full
              ? 'older output is not kept in the page: use Download'
              : `${Math.ceil(win.start / 1024)} KB before this`}
          </span>
        </div>
      )}
      {win.error && <p className="error-text">{win.error}</p>}
      <pre
        className="log"
        id="log-panel"
        role={attempts.length > 1 ? 'tabpanel' : undefined}
        aria-labelledby={attempts.length > 1 ? `log-tab-${attempt}` : undefined}
        ref={box}
        tabIndex={0}
        aria-label={attempts.length > 1 ? undefined : 'Log'}
        data-testid="log"
      >
        {win.text ? (
          <LogText segments={segments} matches={matches} length={query.length} current={at} />
        ) : win.loading ? (
          'loading…'
        ) : live ? (
          'waiting for output…'
        ) : (
          '(no output)'
        )}
      </pre>
    </section>
  );
}
