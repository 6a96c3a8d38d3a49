/** REST templates: the catalogue, one template, and using one (its files written, maybe scheduled). */
import { isAbsolute } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import { UsageError } from '../../domain/errors.js';
import { templateDetailJson, templateListingJson, templateUseJson } from '../../views/templates.js';
import { body, bodyErrors, errors, json } from './common.js';
import * as T from './template-schemas.js';

const NameParam = z.object({
  name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'repo-digest' }),
});

export function registerTemplates(api: OpenAPIHono, app: App): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/templates',
      tags: ['templates'],
      summary: "the built-in templates and the user's (a user template shadows a built-in one)",
      responses: { 200: json(T.TemplateList, 'the catalogue'), 401: errors[401] },
    }),
    (c) => c.json(templateListingJson(app.templates.list()), 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/templates/{name}',
      tags: ['templates'],
      summary: 'one template: its parameters, suggested schedule and files',
      request: { params: NameParam },
      responses: {
        200: json(T.TemplateDetail, 'the template'),
        400: errors[400],
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) =>
      c.json(templateDetailJson(await app.templates.show(c.req.valid('param').name)), 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/templates/{name}/use',
      tags: ['templates'],
      summary:
        'write the template into a directory, validate it with the params, and schedule it if asked',
      description:
        'Nothing is written when a file there differs from the template (409, unless `force`) or the schedule asked for cannot be created (its id taken: 409; a bad cron or id: 400). Otherwise the files are written and the answer carries the verdict: an entry that does not validate (or cannot run headless) gets no schedule, and `scheduleSkipped` says why.',
      request: { params: NameParam, ...body(T.TemplateUseBody) },
      responses: {
        200: json(T.TemplateUseResult, 'the files written and the verdict'),
        ...bodyErrors,
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const b = c.req.valid('json');
      if (!isAbsolute(b.dir))
        throw new UsageError(`field 'dir': '${b.dir}' is not an absolute path`, { field: 'dir' });
      const used = await app.templates.use(name, {
        dir: b.dir,
        params: b.params ?? {},
        force: b.force ?? false,
        schedule: b.schedule ?? null,
      });
      const next = used.schedule ? app.schedules.nextRunAt(used.schedule) : null;
      return c.json(templateUseJson(used, next), 200);
    },
  );
}
