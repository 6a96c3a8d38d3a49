/** REST runs: list with filters and cursor pagination, detail, kill, log ranges. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import type { RunStatus as RunStatusType } from '../../domain/run-status.js';
import { runDetailJson, runJson } from '../../views/json.js';
import { decodeRunCursor, encodeRunCursor } from '../../views/cursors.js';
import * as S from './schemas.js';
import { MAX_LOG_RANGE } from '../../services/logs.js';
import { errors, IdParam, json } from './common.js';
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
      const key = JSON.stringify([q.status ?? '', q.scheduleId ?? '', limit, q.cursor ?? '']);
      const body = await pages.get(key, async () => {
        const runs = await app.runs.list({
          status: q.status as RunStatusType | undefined,
          scheduleId: q.scheduleId,
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
      hot?.remember(pathAndQuery(c.req.url), body);
      return (await sendEncoded(c, body)) as never;
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
