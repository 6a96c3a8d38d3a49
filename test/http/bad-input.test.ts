/**
 * Bad input to `/api/v1`, in process (embedded engine): the right 4xx with the error shape,
 * never a 5xx, and nothing written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as S from '../../src/http/api/schemas.js';
import { API, openInProcessApi, type InProcessApi } from '../support/in-process-api.js';

let api: InProcessApi;
beforeEach(async () => {
  api = await openInProcessApi();
});
afterEach(async () => api.close());

async function bad(method: string, path: string, status: number, body?: unknown, code?: RegExp) {
  const e = await api.call(method, path, status, S.ErrorBody, body);
  if (code) expect(`${e.error.code}: ${e.error.message}`).toMatch(code);
  return e;
}

async function nothingWritten() {
  const list = await api.call('GET', '/schedules', 200, S.SchedulePage);
  expect(list.schedules).toEqual([]);
  const runs = await api.call('GET', '/runs', 200, S.RunPage);
  expect(runs.runs).toEqual([]);
}

describe('bad input', () => {
  it('a schedule that is not one: 400/413/415, the error shape, nothing written', async () => {
    const recipe = api.box.recipe('ok.yaml');
    await bad('POST', '/schedules', 400, '{not json', /invalid_request/);
    // A body that is not sent as JSON is 415, with what to send.
    const plain = await api.request(`${API}/schedules`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ id: 'x', cron: '@daily', recipe }),
    });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({
      error: {
        code: 'unsupported_media_type',
        message: expect.stringMatching(/application\/json/),
      },
    });
    // No content type at all: the same.
    const untyped = await api.request(`${API}/schedules`, {
      method: 'POST',
      body: new Blob([JSON.stringify({ id: 'x', cron: '@daily', recipe })]),
    });
    expect(untyped.status).toBe(415);
    expect(S.ErrorBody.parse(await untyped.json()).error.code).toBe('unsupported_media_type');
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe, extra: 1 },
      /field 'extra': unknown field/,
    );
    await bad('POST', '/schedules', 400, { id: 'x', cron: 5, recipe }, /field 'cron'/);
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '61 * * * *', recipe },
      /field 'cron': invalid cron .*minute/,
    );
    // Errors name the API's fields, never a CLI flag.
    const long = await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe, timeout: '400d' },
      /field 'timeout': '400d' is out of range: allowed 100ms to 365d/,
    );
    expect(long.error.message).not.toContain('--');
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe, timezone: 'Mars/Olympus' },
      /unknown time zone/,
    );
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe: '/etc/passwd' },
      /not a recipe file/,
    );
    await bad(
      'POST',
      '/schedules',
      400,
      { id: '../x', cron: '@daily', recipe },
      /invalid schedule id/,
    );
    await bad(
      'POST',
      '/schedules',
      400,
      { id: 'x', cron: '@daily', recipe, start: 'tomorrow' },
      /field 'start'/,
    );
    await bad('POST', '/schedules', 400, [], /invalid_request/);
    await bad('POST', '/schedules', 400, undefined, /invalid_request/);
    const huge = await api.request(`${API}/schedules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', cron: '@daily', recipe, note: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(S.ErrorBody.parse(await huge.json()).error).toMatchObject({
      code: 'body_too_large',
      details: { maxBytes: 1024 * 1024 },
    });
    await nothingWritten();
  });

  it('queries, times and paths: 400 or 404, never a 5xx, nothing written', async () => {
    await bad(
      'POST',
      '/recipes/validate',
      400,
      { recipe: '../../etc/shadow' },
      /not a recipe file/,
    );
    await bad('POST', '/recipes/validate', 400, '{', /invalid_request/);
    await bad('GET', '/runs?status=bogus', 400, undefined, /field 'status'/);
    await bad('GET', '/runs?cursor=garbage', 400, undefined, /cursor/);
    await bad('GET', '/runs?limit=0', 400, undefined, /field 'limit'/);
    await bad('GET', '/schedules?limit=-1', 400, undefined, /field 'limit'/);
    await bad('GET', '/runs/x/logs?offset=-1', 400, undefined, /field 'offset'/);
    await bad('GET', '/runs/..%2F..%2Fetc%2Fpasswd', 404, undefined, /run_not_found/);
    await bad('GET', '/nowhere', 404);
    // Times are checked, not only documented.
    await bad(
      'POST',
      '/schedules/nope/backfill',
      400,
      { from: '', to: '2026-11-27T06:00:00Z' },
      /field 'from': expected an RFC 3339 time/,
    );
    await bad(
      'POST',
      '/schedules/nope/backfill',
      400,
      { from: '2026-11-27T05:00:00Z', to: 'x' },
      /field 'to'/,
    );
    await bad('POST', '/schedules/nope/trigger', 400, { overlap: 'sometimes' }, /field 'overlap'/);
    await bad('PATCH', '/schedules/nope', 400, undefined, /fields to change as a JSON object/);
    await nothingWritten();
  });

  it('every route that names a schedule or a run: 404 for an unknown one', async () => {
    for (const [method, path, body] of [
      ['GET', '/schedules/nope', undefined],
      ['PATCH', '/schedules/nope', { cron: '@daily' }],
      ['DELETE', '/schedules/nope', undefined],
      ['POST', '/schedules/nope/pause', {}],
      ['POST', '/schedules/nope/resume', {}],
      ['POST', '/schedules/nope/trigger', {}],
      [
        'POST',
        '/schedules/nope/backfill',
        { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
      ],
      ['GET', '/schedules/nope/next', undefined],
    ] as const)
      await bad(method, path, 404, body, /schedule_not_found/);
    for (const [method, path] of [
      ['GET', '/runs/no-such-run'],
      ['POST', '/runs/no-such-run/kill'],
      ['GET', '/runs/no-such-run/logs'],
    ] as const)
      await bad(method, path, 404, undefined, /run_not_found/);
    // The log stream answers before it streams (its 404 is not in the document: zod only).
    const stream = await api.request(`${API}/runs/no-such-run/log-stream`);
    expect(stream.status).toBe(404);
    expect(S.ErrorBody.parse(await stream.json()).error.code).toBe('run_not_found');
    await nothingWritten();
  });
});
