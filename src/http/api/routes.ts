/**
 * REST `/api/v1`: schedules, runs, logs, recipe validation, templates, status — through the same services as
 * the CLI. zod schemas validate every request and generate the OpenAPI document
 * (`/api/v1/openapi.json`); errors have one shape and one mapping to statuses (errors.ts).
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import { errorBody, invalidRequest, statusOf } from './errors.js';
import * as S from './schemas.js';
import { registerEvents } from './events.js';
import type { FeedHub } from '../feed-hub.js';
import { body, bodyErrors, errors, json, recipePath } from './common.js';
import { registerSchedules } from './schedule-routes.js';
import { registerRuns } from './run-routes.js';
import { registerTemplates } from './template-routes.js';
import { verdictJson } from '../../views/json.js';
import type { HotListings } from '../hot-listings.js';

/** `tokenRequired`: GOOSE_FLOW_TOKEN is set, so the document declares bearer auth on every route. */
export function apiV1(
  app: App,
  hub: FeedHub,
  tokenRequired = false,
  hot: HotListings | null = null,
): OpenAPIHono {
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
      const r = await app.status.report();
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return c.json(
        {
          engine: r.engine,
          schedules: r.schedules,
          runs: { active: r.activeRuns.length },
          temporal: r.temporal
            ? {
                address: r.temporal.address,
                namespace: r.temporal.namespace,
                taskQueue: r.temporal.taskQueue,
                workers: r.workers ?? 0,
              }
            : null,
          daemon: r.daemon ? { pid: r.daemon.pid, since: iso(r.daemon.startedAt)! } : null,
          systemJobs: r.systemJobs.map((j) => ({
            name: j.name,
            everyMs: j.everyMs,
            lastStartedAt: iso(j.lastStartedAt),
            lastFinishedAt: iso(j.lastFinishedAt),
            lastResult: j.lastResult ? { ...j.lastResult } : null,
          })),
        },
        200,
      );
    },
  );
  registerSchedules(api, app, hot);
  registerRuns(api, app, hot);
  registerTemplates(api, app);

  // ---- recipes ----------------------------------------------------------------------------
  api.openapi(
    createRoute({
      method: 'post',
      path: '/recipes/validate',
      tags: ['recipes'],
      summary: 'check a recipe file on the server against the Goose recipe format',
      request: body(S.RecipeCheck),
      responses: { 200: json(S.RecipeVerdict, 'the verdict (valid or not)'), ...bodyErrors },
    }),
    async (c) => {
      const b = c.req.valid('json');
      // Checked off the event loop (the daemon's worker thread): any file may be asked about.
      const report = await app.recipes.validateChecked(recipePath(b.recipe), b.params ?? {});
      return c.json(verdictJson(report), 200);
    },
  );

  registerEvents(api, app, hub);

  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'GOOSE_FLOW_TOKEN; required only when the server has one set',
  });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    servers: [{ url: '/api/v1' }],
    // Without a token configured, no route needs one (`{}` = no requirement).
    security: tokenRequired ? [{ bearer: [] }] : [{}],
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
