/** REST schedules: CRUD, pause/resume, trigger, backfill, next fire times. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import { defaultDraft, draftOf, type ScheduleDraft } from '../../domain/schedule/transfer-draft.js';
import { draftFromInput, type InputNames } from '../../domain/schedule/draft-input.js';
import { describeCron, runJson, scheduleDetailJson, scheduleJson } from '../../views/json.js';
import { isoInZone } from '../../domain/schedule/dst-notes.js';
import type { ScheduleInput } from '../../domain/schedule/draft-input.js';
import { GooseFlowError } from '../../domain/errors.js';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { decodeDecisionCursor } from '../../views/cursors.js';
import { invalidRequest } from './errors.js';
import * as S from './schemas.js';
import { UsageError } from '../../domain/errors.js';
import { SpecError } from '../../domain/schedule/spec.js';
import { EncodedBody, sendEncoded } from '../encoded-body.js';
import { KeyedListingCache } from '../listing-cache.js';
import { pathAndQuery, type HotListings } from '../hot-listings.js';
import { body, bodyErrors, errors, IdParam, json, recipePath } from './common.js';
import { snapshotJson } from './recipe-snapshot.js';

const SchedulesList = S.SchedulePage;

/** The API names a field as `field 'jitter':` in errors. */
const API_NAMES: InputNames = {
  of: (field) => `field '${field}':`,
  catchup: "field 'catchup':",
  catchupWindow: "'catchupWindow'",
};

/** The spec's fields as the API names them (the domain says `expression` for `cron`). */
const SPEC_FIELDS: Record<string, string> = { expression: 'cron' };

/** Runs a change; a spec the domain refuses is answered naming the API's field. */
async function namingFields<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (err) {
    if (err instanceof SpecError) {
      const field = String(err.details.field ?? '');
      const name = SPEC_FIELDS[field] ?? field;
      throw new UsageError(`field '${name}': ${err.message}`, { ...err.details, field: name });
    }
    throw err;
  }
}

/** A field as the API names it: `expression` is `cron`, and `field 'jitter':` is `jitter`. */
export function apiField(field: string): string {
  const named = /^field '(.+)':$/.exec(field)?.[1] ?? /^'(.+)'$/.exec(field)?.[1] ?? field;
  return SPEC_FIELDS[named] ?? named;
}

type PreviewInput = z.infer<typeof S.SchedulePreviewInput>;
type Problem = { field: string; message: string };

/**
 * The preview of a schedule body: each field parsed on its own (so every bad field is named, not
 * only the first), then the whole draft checked by the service as `add` would, without writing.
 */
async function previewOf(app: App, input: Partial<PreviewInput>, found: Problem[]) {
  const errors = [...found];
  const { id, ...fields } = input;
  const name = id ?? 'preview';
  const base = defaultDraft(name, '', '');
  const fail = (err: unknown, field: string) => {
    if (!(err instanceof GooseFlowError)) throw err;
    const named = typeof err.details.field === 'string' ? apiField(err.details.field) : field;
    errors.push({ field: named, message: err.message });
  };
  const good: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    try {
      if (key === 'recipe') recipePath(value as string);
      // `catchup` is checked with its window, in the whole draft below.
      if (key !== 'catchup')
        draftFromInput(name, { [key]: value } as ScheduleInput, base, API_NAMES);
      good[key] = value;
    } catch (err) {
      fail(err, key);
    }
  }
  // What involves more than one field (catchup latest needs a window): the field it names goes.
  let draft = base;
  for (let tries = 0; tries < 3; tries++) {
    try {
      draft = draftFromInput(name, good as ScheduleInput, base, API_NAMES);
      break;
    } catch (err) {
      const before = errors.length;
      fail(err, '(body)');
      const field = errors[before]!.field;
      if (!(field in good)) break;
      delete good[field];
    }
  }
  const preview = await app.schedules.preview(draft, {
    checkId: id !== undefined && !errors.some((e) => e.field === 'id'),
  });
  const taken = new Set(errors.map((e) => e.field));
  for (const e of preview.errors) {
    const field = apiField(e.field);
    if (!taken.has(field)) errors.push({ field, message: e.message });
  }
  const zone = preview.spec?.timezone ?? null;
  const spec = preview.spec;
  const body: z.infer<typeof S.SchedulePreview> = {
    valid: errors.length === 0,
    errors,
    warnings: [...preview.warnings],
    timezone: zone,
    next: zone ? preview.next.map((t) => isoInZone(zone, t)) : [],
    dstNotes: zone
      ? preview.dstNotes.map((n) => ({ at: isoInZone(zone, n.at), note: n.note }))
      : [],
    describe: spec ? describeCron(spec.expression) : null,
    parameters:
      preview.parameters?.map((p) => ({
        name: p.key,
        inputType: p.input_type,
        requirement: p.requirement,
        default: p.default ?? null,
        description: p.description,
        options: p.options ? [...p.options] : null,
      })) ?? null,
  };
  return body;
}

export function registerSchedules(
  api: OpenAPIHono,
  app: App,
  hot: HotListings | null = null,
): void {
  const schedulesListing = new KeyedListingCache<EncodedBody>(() => app.events.stateVersion());

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
            return {
              ...scheduleJson(s, next === null ? [] : [next]),
              description: describeCron(s.spec.expression),
            };
          }),
          nextCursor: from >= 0 && from + limit < list.length ? page.at(-1)!.id : null,
        };
        return EncodedBody.json(body);
      });
      hot?.remember(pathAndQuery(c.req.url), text);
      return (await sendEncoded(c, text)) as never;
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/schedules',
      tags: ['schedules'],
      summary: 'create a schedule (the recipe is validated and snapshotted)',
      request: body(S.ScheduleCreate),
      responses: { 201: json(S.Schedule, 'created'), ...bodyErrors },
    }),
    async (c) => {
      const b = c.req.valid('json');
      recipePath(b.recipe);
      const { id: _id, ...fields } = b;
      const draft: ScheduleDraft = draftFromInput(
        b.id,
        fields,
        defaultDraft(b.id, '', ''),
        API_NAMES,
      );
      const created = await namingFields(() => app.schedules.add(draft));
      const detail = await app.schedules.show(created.id);
      return c.json(scheduleJson(detail.schedule, detail.next), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/schedules/preview',
      tags: ['schedules'],
      summary:
        'check a schedule body and preview its next fires (in its zone, with clock changes) — nothing is created',
      description:
        'Problems with a field answer 200 with `valid: false` and each problem at its field; only a body that is not a JSON object is a 400.',
      request: body(S.SchedulePreviewInput),
      responses: { 200: json(S.SchedulePreview, 'the preview'), ...bodyErrors },
    }),
    async (c) => c.json(await previewOf(app, c.req.valid('json'), []), 200),
    // A field the schema refuses is one more problem: the others are still checked.
    (async (result: { success: true } | { success: false; error: ZodError }, c: Context) => {
      if (result.success) return undefined;
      const raw: unknown = await c.req.json().catch(() => null);
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        return c.json(invalidRequest(result.error), 400);
      const issues = invalidRequest(result.error).error.details.issues as Problem[];
      const bad = new Set(issues.map((i) => i.field.split('.')[0]));
      const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k)));
      const again = S.SchedulePreviewInput.safeParse(rest);
      const input = again.success ? again.data : {};
      return c.json(await previewOf(app, input, issues), 200);
    }) as never,
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/schedules/{id}',
      tags: ['schedules'],
      summary: 'one schedule: next fire times, recent runs and decisions (paged)',
      request: {
        params: IdParam,
        query: z.object({
          decisions: z.coerce
            .number()
            .int()
            .min(1)
            .max(1000)
            .optional()
            .openapi({ description: 'how many decisions (default 20)' }),
          before: z
            .string()
            .optional()
            .openapi({ description: 'a moreDecisions cursor: the page after it' }),
        }),
      },
      responses: {
        200: json(S.ScheduleDetail, 'the schedule'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = {
        limit: q.decisions ?? 20,
        ...(q.before ? { before: decodeDecisionCursor(q.before, "query 'before'") } : {}),
      };
      return c.json(
        scheduleDetailJson(await app.schedules.show(c.req.valid('param').id, page)),
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/schedules/{id}',
      tags: ['schedules'],
      summary: 'change a schedule; fields not given keep their value',
      request: { params: IdParam, ...body(S.SchedulePatch) },
      responses: { 200: json(S.Schedule, 'updated'), ...bodyErrors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      // A body-less PATCH would read as an empty change: say what is missing instead.
      if (!/^application\/(.+\+)?json\b/i.test(c.req.header('content-type') ?? ''))
        throw new UsageError(
          'send the fields to change as a JSON object (Content-Type: application/json)',
          { field: '(body)' },
        );
      const b = c.req.valid('json');
      if (b.recipe !== undefined) recipePath(b.recipe);
      const current = await app.schedules.get(id);
      const draft = draftFromInput(id, b, draftOf(current), API_NAMES);
      await namingFields(() =>
        app.schedules.update(id, draft, undefined, { reloadRecipe: b.recipe !== undefined }),
      );
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
      const b: unknown = await c.req.json().catch(() => ({}));
      const parsed = S.TriggerBody.safeParse(b);
      if (!parsed.success) return c.json(invalidRequest(parsed.error), 400);
      const result = await app.schedules.trigger(id, parsed.data.overlap);
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
      responses: { 200: json(S.BackfillResult, 'the decisions'), ...bodyErrors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const result = await app.schedules.backfill(
        id,
        Date.parse(b.from),
        Date.parse(b.to),
        b.overlap,
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
      const next = await app.schedules.upcoming(id, count);
      return c.json({ next: next.map((t) => new Date(t).toISOString()) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/schedules/{id}/recipe',
      tags: ['schedules'],
      summary: 'the recipe snapshot the schedule runs',
      request: { params: IdParam },
      responses: { 200: json(S.RunRecipe, 'the snapshot'), 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { schedule, files } = await app.schedules.recipeOf(c.req.valid('param').id);
      const { recipePath: path, recipeHash } = schedule.action;
      return c.json(snapshotJson(path, recipeHash, files), 200);
    },
  );
}
