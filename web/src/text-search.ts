/** Search within log text (plain, escapes stripped). */

/** Start offsets of `query` in `text` (case-insensitive, literal), at most `max`. */
export function findMatches(text: string, query: string, max = 5_000): number[] {
  if (!query) return [];
  const pattern = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
  const out: number[] = [];
  for (const m of text.matchAll(pattern)) {
    out.push(m.index);
    if (out.length >= max) break;
  }
  return out;
}
