import { useState, type ReactNode } from 'react';

/** Rows beyond the visible ones rendered above and below, so a quick scroll shows no gap. */
const OVERSCAN = 4;

/**
 * A table that renders only the rows in view: every row has the same height (`rowHeight` px), and
 * two spacer rows stand for the rows above and below. Short lists render whole, with no scroller.
 */
export function WindowedTable<T>({
  rows,
  rowHeight,
  head,
  row,
  label,
  maxHeight = 640,
}: {
  rows: readonly T[];
  rowHeight: number;
  head: ReactNode;
  /** One row: a <tr> with the given style (its height) and aria-rowindex. */
  row: (item: T, index: number) => ReactNode;
  label: string;
  maxHeight?: number;
}) {
  const [top, setTop] = useState(0);
  const windowed = rows.length * rowHeight > maxHeight;
  const visible = Math.ceil(maxHeight / rowHeight);
  const first = windowed ? Math.max(0, Math.floor(top / rowHeight) - OVERSCAN) : 0;
  const last = windowed ? Math.min(rows.length, first + visible + 2 * OVERSCAN) : rows.length;
  const table = (
    <table className="windowed" aria-rowcount={rows.length + 1} aria-label={label}>
      <thead>{head}</thead>
      <tbody>
        {first > 0 && (
          <tr aria-hidden="true" className="spacer" style={{ height: first * rowHeight }} />
        )}
        {rows.slice(first, last).map((item, i) => row(item, first + i))}
        {last < rows.length && (
          <tr
            aria-hidden="true"
            className="spacer"
            style={{ height: (rows.length - last) * rowHeight }}
          />
        )}
      </tbody>
    </table>
  );
  if (!windowed) return table;
  return (
    <div
      className="scroller"
      style={{ maxHeight }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
    >
      {table}
    </div>
  );
}
