/**
 * One attempt's log, held in a bounded window: opens at the last TAIL_BYTES (a byte range, never
 * the whole file), pages backwards on demand, and follows the live end through
 * `/runs/{id}/log-stream?after=<attempt>:<offset>`. While following, the oldest text past
 * KEEP_CHARS is dropped, so memory stays bounded however long the run writes.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, data } from './api/client';
import { followSse } from './api/sse';
import { bounded, EMPTY_WINDOW as EMPTY, utf8Bytes as bytes, type LogWindow } from './log-window';

export const TAIL_BYTES = 256 * 1024;
export const KEEP_CHARS = 2_000_000;

function chunk(runId: string, attempt: number, offset: number, limit: number) {
  return data(
    api.GET('/runs/{id}/logs', {
      params: { path: { id: runId }, query: { attempt, offset, limit } },
    }),
  );
}

export function useLogWindow(runId: string, attempt: number | null, follow: boolean) {
  const [win, setWin] = useState<LogWindow>(EMPTY);
  const endRef = useRef(0);

  useEffect(() => {
    setWin(EMPTY);
    endRef.current = 0;
    if (attempt === null) return;
    const stop = new AbortController();
    void (async () => {
      try {
        const probe = await chunk(runId, attempt, 0, 1);
        const from = Math.max(0, probe.size - TAIL_BYTES);
        const tail = await chunk(runId, attempt, from, TAIL_BYTES);
        if (stop.signal.aborted) return;
        endRef.current = tail.nextOffset;
        setWin({ text: tail.data, start: from, end: tail.nextOffset, loading: false, error: null });
        if (!follow || tail.complete) return;
        await followSse(
          `/api/v1/runs/${encodeURIComponent(runId)}/log-stream?after=${attempt}:${tail.nextOffset}`,
          {
            signal: stop.signal,
            endEvent: 'end',
            onMessage: (m) => {
              if (m.event !== 'log') return;
              const line = JSON.parse(m.data) as { attempt: number; offset: number; data: string };
              if (line.attempt !== attempt || line.offset < endRef.current) return;
              endRef.current = line.offset + bytes(line.data);
              const end = endRef.current;
              setWin((w) => bounded({ ...w, text: w.text + line.data, end }, KEEP_CHARS));
            },
          },
        );
      } catch (err) {
        if (!stop.signal.aborted)
          setWin((w) => ({ ...w, loading: false, error: (err as Error).message }));
      }
    })();
    return () => stop.abort();
  }, [runId, attempt, follow]);

  /** Reads the TAIL_BYTES before the window's start (refused once KEEP_CHARS are held). */
  const loadEarlier = useCallback(async () => {
    if (attempt === null || win.start === 0) return;
    const from = Math.max(0, win.start - TAIL_BYTES);
    try {
      const earlier = await chunk(runId, attempt, from, win.start - from);
      setWin((w) =>
        w.start === win.start ? { ...w, text: earlier.data + w.text, start: from } : w,
      );
    } catch (err) {
      setWin((w) => ({ ...w, error: (err as Error).message }));
    }
  }, [runId, attempt, win.start]);

  return { win, loadEarlier, full: win.text.length >= KEEP_CHARS };
}

/** The whole attempt log, read range by range (1 MiB each) and saved as a file. */
export async function downloadLog(runId: string, attempt: number): Promise<void> {
  const parts: string[] = [];
  let offset = 0;
  for (;;) {
    const c = await chunk(runId, attempt, offset, 1024 * 1024);
    parts.push(c.data);
    if (c.nextOffset >= c.size || c.nextOffset === offset) break;
    offset = c.nextOffset;
  }
  const url = URL.createObjectURL(new Blob(parts, { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${runId.replace(/[^\w.@-]+/g, '_')}-attempt-${attempt}.log`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
