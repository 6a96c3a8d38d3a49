import { useEffect, useRef, useState } from 'react';
import { followSse } from './api/sse';

/** At most this much log text is kept in the page; older text is dropped (it stays downloadable). */
const KEEP_CHARS = 2_000_000;

/** A run's log, streamed (`/runs/{id}/log-stream`) and followed while the run lives. */
export function LogView({ runId, live }: { runId: string; live: boolean }) {
  const [text, setText] = useState('');
  const [dropped, setDropped] = useState(false);
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    setText('');
    setDropped(false);
    const stop = new AbortController();
    void followSse(`/api/v1/runs/${encodeURIComponent(runId)}/log-stream`, {
      signal: stop.signal,
      endEvent: 'end',
      onMessage: (m) => {
        if (m.event !== 'log') return;
        const line = JSON.parse(m.data) as { data: string };
        setText((t) => {
          const next = t + line.data;
          if (next.length <= KEEP_CHARS) return next;
          setDropped(true);
          return next.slice(next.length - KEEP_CHARS);
        });
      },
    });
    return () => stop.abort();
  }, [runId]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text, follow]);

  return (
    <>
      <div className="row">
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />{' '}
          Follow
        </label>
        <span className="muted">{live ? 'live' : 'ended'}</span>
        {dropped && <span className="muted">(older output not shown)</span>}
      </div>
      <pre className="log" ref={box} tabIndex={0} aria-label="Log" data-testid="log">
        {text || (live ? 'waiting for output…' : '(no output)')}
      </pre>
    </>
  );
}
