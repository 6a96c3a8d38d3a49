/** REST runs: list with filters and cursor pagination, detail, kill, log ranges. */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import { NotFoundError, UsageError } from '../../domain/errors.js';
import { isTerminal, type RunStatus as RunStatusType } from '../../domain/run-status.js';
import { runDetailJson, runJson } from '../../views/json.js';
import * as S from './schemas.js';
import { errors, IdParam, json, MAX_LOG_CHUNK } from './common.js';

function encodeCursor(run: { createdAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([run.createdAt, run.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      number,
      string,
    ];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // below
  }
  throw new UsageError(`query 'cursor': not a cursor this server handed out`, { field: 'cursor' });
}
export function registerRuns(api: OpenAPIHono, app: App): void {
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
      const runs = await app.runs.list({
        status: q.status as RunStatusType | undefined,
        scheduleId: q.scheduleId,
        limit: limit + 1,
        before: q.cursor ? decodeCursor(q.cursor) : undefined,
      });
      const page = runs.slice(0, limit);
      const last = page.at(-1);
      return c.json(
        {
          runs: page.map(runJson),
          nextCursor: runs.length > limit && last ? encodeCursor(last) : null,
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
            attempt: z.coerce.number().int().min(1).optional(),
            offset: z.coerce.number().int().min(0).optional(),
            limit: z.coerce.number().int().min(1).max(MAX_LOG_CHUNK).optional(),
          })
          .strict(),
      },
      responses: { 200: json(S.LogChunk, 'log bytes (UTF-8)'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const detail = await app.runs.show(id);
      const attempt =
        q.attempt === undefined
          ? detail.attempts.at(-1)
          : detail.attempts.find((a) => a.number === q.attempt);
      if (!attempt) throw new NotFoundError('attempt', `${id} attempt ${q.attempt ?? 1}`);
      const offset = q.offset ?? 0;
      const limit = q.limit ?? 256 * 1024;
      // The path comes from the store (never from the request): nothing else can be read.
      const size = existsSync(attempt.logPath) ? statSync(attempt.logPath).size : 0;
      let data = Buffer.alloc(0);
      if (offset < size) {
        const fd = openSync(attempt.logPath, 'r');
        try {
          data = Buffer.alloc(Math.min(limit, size - offset));
          const n = readSync(fd, data, 0, data.length, offset);
          data = data.subarray(0, n);
        } finally {
          closeSync(fd);
        }
      }
      const ended = attempt.endedAt !== null || isTerminal(detail.run.status);
      const next = offset + data.length;
      return c.json(
        {
          attempt: attempt.number,
          offset,
          nextOffset: next,
          size,
          data: data.toString('utf8'),
          complete: ended && next >= size,
        },
        200,
      );
    },
  );
}
