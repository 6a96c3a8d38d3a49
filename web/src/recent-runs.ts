/**
 * The runs of the last 24 hours, read client-side from GET /runs pages (newest first), bounded:
 * it stops at the first run older than 24 h or after MAX_RUNS. Refreshed every 30 s rather than on
 * every event (a busy server would otherwise re-read 2,000 runs per event).
 */
import { useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from './api/client';

export const WINDOW_MS = 24 * 3_600_000;
export const MAX_RUNS = 2_000;

async function recentRuns(now: number): Promise<{ runs: Schemas['Run'][]; capped: boolean }> {
  const runs: Schemas['Run'][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await data(
      api.GET('/runs', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } }),
    );
    for (const r of page.runs) {
      if (r.createdAt && now - new Date(r.createdAt).getTime() > WINDOW_MS)
        return { runs, capped: false };
      runs.push(r);
      if (runs.length >= MAX_RUNS) return { runs, capped: true };
    }
    if (!page.nextCursor) return { runs, capped: false };
    cursor = page.nextCursor;
  }
}

export function useRecentRuns() {
  return useQuery({
    queryKey: ['recent-runs'],
    queryFn: () => recentRuns(Date.now()),
    refetchInterval: 30_000,
    staleTime: 10_000,
  });
}

/** Counts per hour (oldest first, 24 buckets ending at the current hour) and per status. */
export function perHour(runs: readonly Schemas['Run'][], now: number) {
  const hour = 3_600_000;
  const end = Math.floor(now / hour) * hour;
  const buckets = Array.from({ length: 24 }, (_, i) => ({
    start: end - (23 - i) * hour,
    counts: {} as Record<string, number>,
  }));
  for (const r of runs) {
    if (!r.createdAt) continue;
    const i =
      23 - Math.floor((end - Math.floor(new Date(r.createdAt).getTime() / hour) * hour) / hour);
    const b = buckets[i];
    if (b) b.counts[r.status] = (b.counts[r.status] ?? 0) + 1;
  }
  return buckets;
}

/** Schedules whose newest run (among `runs`, newest first) failed or timed out. */
export function failingSchedules(runs: readonly Schemas['Run'][]) {
  const seen = new Map<string, Schemas['Run']>();
  for (const r of runs) if (r.scheduleId && !seen.has(r.scheduleId)) seen.set(r.scheduleId, r);
  return [...seen.values()].filter((r) => r.status === 'failed' || r.status === 'timed_out');
}
