/** REST runs: list with filters and cursor pagination, starts, detail, kill, log ranges. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import type { RunStatus as RunStatusType } from '../../domain/run-status.js';
import { runDetailJson, runJson } from '../../views/json.js';
import { decodeRunCursor, encodeRunCursor } from '../../views/cursors.js';
import * as S from './schemas.js';
import { MAX_LOG_RANGE } from '../../services/logs.js';
import { errors, IdParam, json } from './common.js';
import { registerRunStarts } from './run-start-routes.js';
import { snapshotJson } from './recipe-snapshot.js';
import { isTerminal } from '../../domain/run-status.js';
import { UsageError } from '../../domain/errors.js';
import type { Run } from '../../domain/run.js';

/** A file of a recipe snapshot is answered up to this many bytes. */
/** Runs counted at most by `GET /stats/runs` (newest first). */
const MAX_STATS_RUNS = 50_000;
const HOUR_MS = 3_600_000;

/** An ISO time of a query, checked. */
function instantOf(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new UsageError(
      `query '${name}': '${text}' is not an ISO-8601 time (e.g. 2026-12-01T09:00:00Z)`,
      { field: name },
    );
  return ms;
}

type Outcome = 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'active';
const outcomeOf = (run: Run): Outcome =>
  isTerminal(run.status) ? (run.status as Exclude<Outcome, 'active'>) : 'active';
const emptyCounts = (): Record<Outcome, number> => ({
  succeeded: 0,
  failed: 0,
  timed_out: 0,
  cancelled: 0,
  active: 0,
});
import { EncodedBody, sendEncoded } from '../encoded-body.js';
import { KeyedListingCache } from '../listing-cache.js';
import { pathAndQuery, type HotListings } from '../hot-listings.js';

export function registerRuns(api: OpenAPIHono, app: App, hot: HotListings | null = null): void {
  // Pages of runs are served from memory while nothing changed (the state version moves with
  // every run event), so many clients polling the list cost one query per change, not one each.
  const pages = new KeyedListingCache<EncodedBody>(() => app.events.stateVersion(), 64);
  api.openapi(
    createRoute({
      method: 'get',
      path: '/runs',
      tags: ['runs'],
      summary: 'runs, newest first, with filters and cursor pagination',
      request: {
        query: z
          .object({
            status: S.RunStatus.optional(),
            scheduleId: z.string().optional(),
            trigger: z.enum(['manual', 'schedule', 'backfill']).optional(),
            since: z
              .string()
              .optional()
              .openapi({ format: 'date-time', description: 'runs created at or after this time' }),
            until: z
              .string()
              .optional()
              .openapi({ format: 'date-time', description: 'runs created before this time' }),
            limit: z.coerce.number().int().min(1).max(1000).optional(),
            cursor: z.string().optional(),
          })
          .strict(),
      },
      responses: { 200: json(S.RunPage, 'a page of runs'), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const limit = q.limit ?? 50;
      const before = q.cursor ? decodeRunCursor(q.cursor, "query 'cursor'") : undefined;
      const since = instantOf(q.since, 'since');
      const until = instantOf(q.until, 'until');
      const key = JSON.stringify([
        q.status ?? '',
        q.scheduleId ?? '',
        q.trigger ?? '',
        since ?? '',
        until ?? '',
        limit,
        q.cursor ?? '',
      ]);
      const page = await pages.get(key, async () => {
        const runs = await app.runs.list({
          status: q.status as RunStatusType | undefined,
          scheduleId: q.scheduleId,
          trigger: q.trigger,
          since,
          until,
          limit: limit + 1,
          before,
        });
        const page = runs.slice(0, limit);
        const last = page.at(-1);
        return EncodedBody.json({
          runs: page.map(runJson),
          nextCursor: runs.length > limit && last ? encodeRunCursor(last) : null,
        });
      });
      hot?.remember(pathAndQuery(c.req.url), page);
      return (await sendEncoded(c, page)) as never;
    },
  );

  registerRunStarts(api, app);

  api.openapi(
    createRoute({
      method: 'get',
      path: '/runs/{id}/recipe',
      tags: ['runs'],
      summary: 'the recipe snapshot the run executed',
      request: { params: IdParam },
      responses: { 200: json(S.RunRecipe, 'the snapshot'), 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { run, files } = await app.runs.recipeOf(c.req.valid('param').id);
      return c.json(snapshotJson(run.recipePath, run.recipeHash, files), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/stats/runs',
      tags: ['runs'],
      summary: 'runs created per hour over the last hours, by outcome (the overview chart)',
      request: {
        query: z
          .object({
            hours: z.coerce
              .number()
              .int()
              .min(1)
              .max(168)
              .optional()
              .openapi({ description: 'how many hours back, 1–168 (default 24)' }),
          })
          .strict(),
      },
      responses: { 200: json(S.RunStats, 'counts per hour'), ...errors },
    }),
    async (c) => {
      const hours = c.req.valid('query').hours ?? 24;
      const now = Date.now();
      const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
      const buckets = Array.from({ length: hours }, emptyCounts);
      const totals = emptyCounts();
      let counted = 0;
      let before: { createdAt: number; id: string } | undefined;
      let complete = true;
      for (;;) {
        const page = await app.runs.list({ since: firstHour, limit: 1000, before });
        for (const run of page) {
          const i = Math.floor((run.createdAt - firstHour) / HOUR_MS);
          const outcome = outcomeOf(run);
          if (i >= 0 && i < hours) buckets[i]![outcome]++;
          totals[outcome]++;
        }
        counted += page.length;
        const last = page.at(-1);
        if (page.length < 1000 || !last) break;
        if (counted >= MAX_STATS_RUNS) {
          complete = false;
          break;
        }
        before = { createdAt: last.createdAt, id: last.id };
      }
      return c.json(
        {
          hours,
          from: new Date(firstHour).toISOString(),
          to: new Date(now).toISOString(),
          buckets: buckets.map((b, i) => ({
            hour: new Date(firstHour + i * HOUR_MS).toISOString(),
            ...b,
          })),
          totals,
          complete,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/runs/{id}',
      tags: ['runs'],
      summary: 'one run: attempts, timeline, and the live attempt',
      request: { params: IdParam },
      responses: { 200: json(S.RunDetail, 'the run'), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json(runDetailJson(await app.runs.show(c.req.valid('param').id)), 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/runs/{id}/kill',
      tags: ['runs'],
      summary: 'cancel a run; its whole process tree is stopped (TERM, grace, KILL)',
      request: { params: IdParam },
      responses: { 200: json(S.Run, 'the run after the kill'), ...errors },
    }),
    async (c) => {
      const outcome = await app.runs.kill(c.req.valid('param').id, 'killed through the API');
      return c.json(runJson(outcome.run), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/runs/{id}/logs',
      tags: ['runs'],
      summary: "a byte range of an attempt's log (default: the last attempt, from the start)",
      request: {
        params: IdParam,
        query: z
          .object({
            attempt: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
            offset: z.coerce
              .number()
              .int()
              .min(0)
              .max(Number.MAX_SAFE_INTEGER)
              .optional()
              .openapi({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
            limit: z.coerce.number().int().min(1).max(MAX_LOG_RANGE).optional(),
          })
          .strict(),
      },
      responses: { 200: json(S.LogChunk, 'log bytes (UTF-8)'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const range = await app.logs.range(id, c.req.valid('query'));
      return c.json({ ...range, data: range.data.toString('utf8') }, 200);
    },
  );
}
