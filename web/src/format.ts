/** Times and durations as the dashboard shows them (the browser's zone; the API speaks ISO-8601). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1_000) return `${ms} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "in 3 min" / "5 s ago", from `now`. */
export function relative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const diff = new Date(iso).getTime() - now;
  const text = duration(Math.abs(diff));
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}
