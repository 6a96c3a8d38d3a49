/** The part of a log the page holds: text plus the byte offsets it spans in the attempt's log. */
export interface LogWindow {
  readonly text: string;
  /** Byte offset of the first byte held (0: the log's start is shown). */
  readonly start: number;
  /** Byte offset just past the last byte held. */
  readonly end: number;
  readonly loading: boolean;
  readonly error: string | null;
}

export const EMPTY_WINDOW: LogWindow = { text: '', start: 0, end: 0, loading: true, error: null };

/** UTF-8 length of `s`. */
export const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * Drops text from the front until at most `keep` characters remain, at a line start when there is
 * one; `start` moves past the dropped bytes, so "load earlier" still reads the right range.
 */
export function bounded(w: LogWindow, keep: number): LogWindow {
  if (w.text.length <= keep) return w;
  const cut = w.text.indexOf('\n', w.text.length - keep);
  const at = cut < 0 ? w.text.length - keep : cut + 1;
  return { ...w, text: w.text.slice(at), start: w.start + utf8Bytes(w.text.slice(0, at)) };
}
