/**
 * REST routes that start a run: an ad-hoc run of a recipe or pipeline (`POST /runs`), and a resume
 * of a pipeline run that did not succeed (`POST /runs/{id}/resume`). Both answer at once, through
 * one path: `RunService.launch` hands the run to the daemon or Temporal when either drives runs,
 * and starts it in this process otherwise.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import type { PreparedRun } from '../../services/runs.js';
import { runJson } from '../../views/json.js';
import { DurationLimit, parseDurationIn } from '../../domain/limits.js';
import { withRetries } from '../../domain/retry-policy.js';
import * as S from './schemas.js';
import { body, bodyErrors, errors, IdParam, json, recipePath } from './common.js';

/** The run, created and launched; a run driven here must not block the request. */
async function launched(app: App, prepared: PreparedRun) {
  const { run, settled } = await app.runs.launch(prepared);
  void settled?.catch(() => undefined);
  return runJson(run);
}

export function registerRunStarts(api: OpenAPIHono, app: App): void {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/runs',
      tags: ['runs'],
      summary:
        'start an ad-hoc run of a recipe or pipeline (handed to the daemon or Temporal; answers at once)',
      request: body(S.RunStart),
      responses: { 201: json(S.Run, 'the run, created'), ...bodyErrors },
    }),
    async (c) => {
      const b = c.req.valid('json');
      recipePath(b.recipe);
      const defaults = app.runs.defaultOptions();
      const options = {
        ...defaults,
        timeoutMs:
          b.timeout === undefined
            ? defaults.timeoutMs
            : parseDurationIn(b.timeout, "field 'timeout':", DurationLimit.timeout),
        retryPolicy:
          b.retries === undefined
            ? defaults.retryPolicy
            : withRetries(defaults.retryPolicy, b.retries),
      };
      const prepared = app.runs.prepare({ recipe: b.recipe, params: b.params ?? {}, options });
      return c.json(await launched(app, prepared), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/runs/{id}/resume',
      tags: ['runs'],
      summary:
        'a new run of a failed, timed-out or cancelled pipeline run; the steps that succeeded are carried over, not run again',
      request: { params: IdParam },
      responses: {
        201: json(S.Run, 'the new run (its `resumeOf` names this one), created'),
        400: json(S.ErrorBody, 'the run is not a pipeline run, or is a step of one'),
        401: errors[401],
        404: errors[404],
        409: json(S.ErrorBody, 'the run has not ended, or it succeeded'),
      },
    }),
    async (c) => {
      const prepared = await app.runs.prepareResume(c.req.valid('param').id);
      return c.json(await launched(app, prepared), 201);
    },
  );
}
