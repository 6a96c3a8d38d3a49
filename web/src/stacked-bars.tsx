const W = 760;
const H = 200;
const PAD = { left: 36, right: 8, top: 10, bottom: 24 };

export interface Bucket {
  readonly label: string;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * A stacked bar chart: one bar per bucket, one band per key (in `keys` order, class `bar <key>`).
 * A visually hidden table with every number is its text alternative; the legend names the colours.
 */
export function StackedBars({
  buckets,
  keys,
  caption,
}: {
  buckets: readonly Bucket[];
  keys: readonly string[];
  caption: string;
}) {
  const totals = buckets.map((b) => keys.reduce((n, k) => n + (b.counts[k] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, buckets.length);
  const y = (n: number) => (n / max) * plotH;
  const used = keys.filter((k) => buckets.some((b) => b.counts[k]));
  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} aria-hidden="true">
        <line
          className="axis"
          x1={PAD.left}
          x2={W - PAD.right}
          y1={PAD.top + plotH}
          y2={PAD.top + plotH}
        />
        <text className="axis-label" x={PAD.left - 4} y={PAD.top + 8} textAnchor="end">
          {max}
        </text>
        <text className="axis-label" x={PAD.left - 4} y={PAD.top + plotH} textAnchor="end">
          0
        </text>
        {buckets.map((b, i) => {
          let base = PAD.top + plotH;
          return (
            <g key={b.label} transform={`translate(${PAD.left + i * slot + 1} 0)`}>
              {keys.map((k) => {
                const n = b.counts[k] ?? 0;
                if (!n) return null;
                base -= y(n);
                return (
                  <rect
                    key={k}
                    className={`bar ${k}`}
                    x={0}
                    y={base}
                    width={slot - 2}
                    height={y(n)}
                  >
                    <title>
                      {b.label}: {n} {k}
                    </title>
                  </rect>
                );
              })}
              {i % 3 === 0 && (
                <text className="axis-label" x={slot / 2} y={H - 6} textAnchor="middle">
                  {b.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {caption}
        {used.length > 0 && (
          <ul className="legend" aria-label="Legend">
            {used.map((k) => (
              <li key={k}>
                <span className={`swatch ${k}`} aria-hidden="true" /> {k}
              </li>
            ))}
          </ul>
        )}
      </figcaption>
      <table className="visually-hidden">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Hour</th>
            {keys.map((k) => (
              <th key={k} scope="col">
                {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.label}>
              <th scope="row">{b.label}</th>
              {keys.map((k) => (
                <td key={k}>{b.counts[k] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
