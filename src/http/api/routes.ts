/**
 * REST `/api/v1`: schedules, runs, logs, recipe validation, status — through the same services as
 * the CLI. zod schemas validate every request and generate the OpenAPI document
 * (`/api/v1/openapi.json`); errors have one shape and one mapping to statuses (errors.ts).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import { UsageError, NotFoundError } from '../../domain/errors.js';
import { isTerminal, type RunStatus as RunStatusType } from '../../domain/run-status.js';
import type { OverlapPolicy } from '../../domain/schedule/model.js';
import { defaultDraft, draftOf, type ScheduleDraft } from '../../domain/schedule/transfer-draft.js';
import { draftFromFlags, type ScheduleFlags } from '../../cli/schedule-flags.js';
import { runDetailJson, runJson, scheduleDetailJson, scheduleJson } from '../../views/json.js';
import { errorBody, invalidRequest, statusOf } from './errors.js';
import * as S from './schemas.js';
import { registerEvents } from './events.js';
import { KeyedListingCache } from '../listing-cache.js';
import type { FeedHub } from '../feed-hub.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(S.ErrorBody, 'the request is malformed or invalid'),
  401: json(S.ErrorBody, 'a bearer token is required'),
  404: json(S.ErrorBody, 'not found'),
  409: json(S.ErrorBody, 'conflicts with the current state'),
};
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

const MAX_LOG_CHUNK = 1024 * 1024;

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

/** The API's schedule body in the CLI's flag vocabulary: one mapping, one set of checks. */
function flagsOf(b: Record<string, unknown>): ScheduleFlags {
  const params = (b.params ?? {}) as Record<string, string>;
  return {
    ...(b.cron !== undefined ? { cron: b.cron as string } : {}),
    ...(b.recipe !== undefined ? { recipe: b.recipe as string } : {}),
    ...(b.timezone !== undefined ? { tz: b.timezone as string } : {}),
    ...(b.jitter !== undefined ? { jitter: b.jitter as string } : {}),
    ...(b.start !== undefined ? { start: b.start as string } : {}),
    ...(b.end !== undefined ? { end: b.end as string } : {}),
    ...(b.overlap !== undefined ? { overlap: b.overlap as OverlapPolicy } : {}),
    ...(b.catchupWindow !== undefined ? { catchupWindow: b.catchupWindow as string } : {}),
    ...(b.catchup !== undefined ? { catchup: b.catchup as 'all' | 'latest' } : {}),
    ...(b.pauseOnFailure !== undefined ? { pauseOnFailure: b.pauseOnFailure as boolean } : {}),
    ...(b.remaining !== undefined ? { remaining: b.remaining as number } : {}),
    param: Object.entries(params).map(([k, v]) => `${k}=${v}`),
    ...(b.timeout !== undefined ? { timeout: b.timeout as string } : {}),
    ...(b.retries !== undefined ? { retries: b.retries as number } : {}),
    ...(b.cwd !== undefined ? { cwd: b.cwd as string } : {}),
    ...(b.mode !== undefined ? { mode: b.mode as 'background' | 'foreground' } : {}),
    ...(b.paused !== undefined ? { paused: b.paused as boolean } : {}),
    ...(b.note !== undefined ? { note: b.note as string } : {}),
    ...(b.followSource !== undefined ? { followSource: b.followSource as boolean } : {}),
  };
}

/** Recipes are read from the server's disk: only recipe files, never anything else. */
function recipePath(path: string): string {
  if (!['.yaml', '.yml', '.json'].includes(extname(path).toLowerCase())) {
    throw new UsageError(`field 'recipe': '${path}' is not a recipe file (.yaml, .yml or .json)`, {
      field: 'recipe',
    });
  }
  return path;
}

const SchedulesList = S.SchedulePage;

export function apiV1(app: App, hub: FeedHub): OpenAPIHono {
  const schedulesListing = new KeyedListingCache<Uint8Array<ArrayBuffer>>(() => app.stateVersion());
  const api = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(invalidRequest(result.error), 400);
      return undefined;
    },
  });

  api.openapi(
    createRoute({
      method: 'get',
      path: '/status',
      tags: ['status'],
      summary: 'engine, schedules and active runs',
      responses: { 200: json(S.Status, 'status'), 401: errors[401] },
    }),
    async (c) => {
      const schedules = await app.schedules.list();
      const paused = schedules.filter((s) => s.state.paused).length;
      const active = (
        await Promise.all(
          (['running', 'retrying', 'pending'] as const).map((status) =>
            app.runs.list({ status, limit: 1000 }),
          ),
        )
      ).flat();
      return c.json(
        {
          engine: app.engine,
          schedules: { total: schedules.length, active: schedules.length - paused, paused },
          runs: { active: active.length },
          temporal: app.temporal
            ? {
                address: app.temporal.target.address,
                namespace: app.temporal.target.namespace,
                taskQueue: app.temporal.target.taskQueue,
                workers: await app.temporal.workers(),
              }
            : null,
        },
        200,
      );
    },
  );

  // ---- schedules --------------------------------------------------------------------------
  api.openapi(
    createRoute({
      method: 'get',
      path: '/schedules',
      tags: ['schedules'],
      summary: 'schedules by id, with their next run; a page at a time (`nextCursor`)',
      request: {
        query: z
          .object({
            limit: z.coerce
              .number()
              .int()
              .min(1)
              .max(1000)
              .optional()
              .openapi({ description: 'default 100' }),
            cursor: z
              .string()
              .optional()
              .openapi({ description: 'the nextCursor of the previous page' }),
          })
          .strict(),
      },
      responses: { 200: json(SchedulesList, 'a page of schedules'), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const limit = q.limit ?? 100;
      // Pages are served from memory while nothing changed (the most polled route of the API).
      const text = await schedulesListing.get(`${q.cursor ?? ''}|${limit}`, async () => {
        const list = await app.schedules.list();
        const from = q.cursor === undefined ? 0 : list.findIndex((s) => s.id > q.cursor!);
        const page = from < 0 ? [] : list.slice(from, from + limit);
        const body: z.infer<typeof SchedulesList> = {
          schedules: page.map((s) => {
            const next = app.schedules.nextRunAt(s);
            return scheduleJson(s, next === null ? [] : [next]);
          }),
          nextCursor: from >= 0 && from + limit < list.length ? page.at(-1)!.id : null,
        };
        return new Uint8Array(Buffer.from(JSON.stringify(body)));
      });
      return c.body(text, 200, { 'content-type': 'application/json' }) as never;
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/schedules',
      tags: ['schedules'],
      summary: 'create a schedule (the recipe is validated and snapshotted)',
      request: body(S.ScheduleCreate),
      responses: { 201: json(S.Schedule, 'created'), ...errors },
    }),
    async (c) => {
      const b = c.req.valid('json');
      recipePath(b.recipe);
      const draft: ScheduleDraft = draftFromFlags(b.id, flagsOf(b), defaultDraft(b.id, '', ''));
      const created = await app.schedules.add(draft);
      const detail = await app.schedules.show(created.id);
      return c.json(scheduleJson(detail.schedule, detail.next), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/schedules/{id}',
      tags: ['schedules'],
      summary: 'one schedule: next fire times, recent runs and decisions',
      request: { params: IdParam },
      responses: {
        200: json(S.ScheduleDetail, 'the schedule'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(scheduleDetailJson(await app.schedules.show(c.req.valid('param').id)), 200),
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/schedules/{id}',
      tags: ['schedules'],
      summary: 'change a schedule; fields not given keep their value',
      request: { params: IdParam, ...body(S.SchedulePatch) },
      responses: { 200: json(S.Schedule, 'updated'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      if (b.recipe !== undefined) recipePath(b.recipe as string);
      const current = await app.schedules.get(id);
      await app.schedules.update(id, draftFromFlags(id, flagsOf(b), draftOf(current)));
      const detail = await app.schedules.show(id);
      return c.json(scheduleJson(detail.schedule, detail.next), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/schedules/{id}',
      tags: ['schedules'],
      summary: 'delete a schedule (its runs and logs stay)',
      request: { params: IdParam },
      responses: { 204: { description: 'deleted' }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      await app.schedules.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  for (const verb of ['pause', 'resume'] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/schedules/{id}/${verb}`,
        tags: ['schedules'],
        summary: verb === 'pause' ? 'stop firing' : 'fire again',
        request: {
          params: IdParam,
          body: { content: { 'application/json': { schema: S.Note } }, required: false },
        },
        responses: { 200: json(S.Schedule, verb === 'pause' ? 'paused' : 'resumed'), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const note = (await c.req.json().catch(() => ({}))) as { note?: string };
        const s =
          verb === 'pause'
            ? await app.schedules.pause(id, note.note ?? null)
            : await app.schedules.resume(id, note.note ?? null);
        return c.json(scheduleJson(s), 200);
      },
    );
  }

  api.openapi(
    createRoute({
      method: 'post',
      path: '/schedules/{id}/trigger',
      tags: ['schedules'],
      summary: "run it now, with the overlap policy given (default: the schedule's)",
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: S.TriggerBody } }, required: false },
      },
      responses: { 200: json(S.TriggerResult, 'what became of the trigger'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const b = (await c.req.json().catch(() => ({}))) as { overlap?: OverlapPolicy };
      const parsed = S.TriggerBody.safeParse(b);
      if (!parsed.success) return c.json(invalidRequest(parsed.error), 400);
      const result = await app.schedules.trigger(
        id,
        parsed.data.overlap as OverlapPolicy | undefined,
      );
      // A trigger without a daemon runs here: it must not block the request.
      void result.settled?.catch(() => undefined);
      return c.json(
        { decision: result.decision, run: result.run ? runJson(result.run) : null },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/schedules/{id}/backfill',
      tags: ['schedules'],
      summary: 'run the occurrences of a range, each at most once',
      request: { params: IdParam, ...body(S.BackfillBody) },
      responses: { 200: json(S.BackfillResult, 'the decisions'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const result = await app.schedules.backfill(
        id,
        Date.parse(b.from),
        Date.parse(b.to),
        b.overlap as OverlapPolicy | undefined,
      );
      void result.settled?.catch(() => undefined);
      return c.json(
        {
          decided: result.decided.map((d) => ({
            ...d,
            scheduledAt: new Date(d.scheduledAt).toISOString(),
          })),
          requestedOnServer: result.requestedOnServer,
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/schedules/{id}/next',
      tags: ['schedules'],
      summary: 'the next fire times',
      request: {
        params: IdParam,
        query: z.object({ count: z.coerce.number().int().min(1).max(100).optional() }).strict(),
      },
      responses: {
        200: json(z.object({ next: z.array(z.string()) }), 'next fire times'),
        ...errors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const count = c.req.valid('query').count ?? 5;
      const detail = await app.schedules.show(id);
      const next = detail.next.length >= count ? detail.next : detail.next;
      return c.json({ next: next.slice(0, count).map((t) => new Date(t).toISOString()) }, 200);
    },
  );

  // ---- runs -------------------------------------------------------------------------------
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

  // ---- recipes ----------------------------------------------------------------------------
  api.openapi(
    createRoute({
      method: 'post',
      path: '/recipes/validate',
      tags: ['recipes'],
      summary: 'check a recipe file on the server against the Goose recipe format',
      request: body(S.RecipeCheck),
      responses: { 200: json(S.RecipeVerdict, 'the verdict (valid or not)'), ...errors },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const report = app.recipes.validate(recipePath(b.recipe), b.params ?? {});
      return c.json(
        {
          ...report,
          headless: { ok: report.headless.ok, reasons: [...report.headless.reasons] },
          errors: report.errors.map((p) => ({
            ...p,
            allowed: p.allowed ? [...p.allowed] : undefined,
          })),
          warnings: report.warnings.map((p) => ({
            ...p,
            allowed: p.allowed ? [...p.allowed] : undefined,
          })),
        },
        200,
      );
    },
  );

  registerEvents(api, app, hub);

  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'goose-flow API',
      version: '1',
      description:
        'Schedules, runs, logs and recipe validation of a goose-flow server. Errors: `{error: {code, message, details}}`. With GOOSE_FLOW_TOKEN set, send `Authorization: Bearer <token>`.',
    },
  });

  api.onError((err, c) => {
    const status = statusOf(err);
    return c.json(errorBody(err), status);
  });
  return api;
}
