/**
 * The template routes in process (embedded engine): the catalogue with the user's templates
 * beside the built-in ones, one template with its parameters and files, and `use` — files
 * written, the verdict, the schedule — with everything it refuses refused before writing.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as S from '../../src/http/api/schemas.js';
import * as T from '../../src/http/api/template-schemas.js';
import { openInProcessApi, type InProcessApi } from '../support/in-process-api.js';

let api: InProcessApi;
beforeEach(async () => {
  api = await openInProcessApi();
});
afterEach(async () => api.close());

/** A template in the user's templates directory (the data dir's `templates/`). */
function userTemplate(
  name: string,
  manifest: Record<string, string>,
  files: Record<string, string>,
) {
  const dir = join(api.box.dataDir, 'templates', name);
  mkdirSync(dir, { recursive: true });
  const yaml = Object.entries({ name, title: `my ${name}`, entry: `${name}.yaml`, ...manifest })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  writeFileSync(
    join(dir, 'template.yaml'),
    `${yaml}\ndescription: mine\nschedule:\n  cron: "0 3 * * *"\n  description: nightly\n`,
  );
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return dir;
}

const RECIPE =
  'version: "1.0.0"\ntitle: mine\ndescription: my digest\nprompt: digest {{ repo }}\n' +
  'parameters:\n  - key: repo\n    input_type: string\n    requirement: required\n    description: where\n';

describe('GET /templates', () => {
  it('lists the built-in catalogue; a user template shadows a built-in one, with a note', async () => {
    const builtin = await api.call('GET', '/templates', 200, T.TemplateList);
    expect(builtin.problems).toEqual([]);
    const kinds = Object.fromEntries(builtin.templates.map((t) => [t.name, t.kind]));
    expect(kinds).toMatchObject({
      'repo-digest': 'recipe',
      'dependency-audit': 'recipe',
      'docs-freshness': 'recipe',
      'pr-review-sweep': 'pipeline',
      'release-notes': 'pipeline',
      'incident-triage': 'pipeline',
    });
    expect(builtin.templates.every((t) => t.source === 'builtin' && t.note === null)).toBe(true);

    userTemplate('repo-digest', {}, { 'repo-digest.yaml': RECIPE });
    userTemplate('broken', { entry: 'missing.yaml' }, {});
    const outside = join(api.box.root, 'secret.yaml');
    writeFileSync(outside, RECIPE);
    const linked = userTemplate('linked', {}, {});
    symlinkSync(outside, join(linked, 'linked.yaml'));

    const list = await api.call('GET', '/templates', 200, T.TemplateList);
    const mine = list.templates.find((t) => t.name === 'repo-digest')!;
    expect(mine).toMatchObject({ source: 'user', title: 'my repo-digest' });
    expect(mine.note).toMatch(/shadows the built-in template 'repo-digest'/);
    expect(list.templates.filter((t) => t.name === 'repo-digest')).toHaveLength(1);
    expect(list.problems.map((p) => [p.name, p.source])).toEqual([
      ['broken', 'user'],
      ['linked', 'user'],
    ]);
    expect(list.problems[0]!.message).toMatch(/field 'entry': missing.yaml is not a file/);
    expect(list.problems[1]!.message).toMatch(/symbolic link that does not lead to a file inside/);
  });
});

describe('GET /templates/{name}', () => {
  it('answers its parameters, suggested schedule and files; 404 unknown, 400 not a name', async () => {
    const t = await api.call('GET', '/templates/pr-review-sweep', 200, T.TemplateDetail);
    expect(t).toMatchObject({ kind: 'pipeline', entry: 'pr-review-sweep.yaml', source: 'builtin' });
    expect(t.schedule.cron).toBe('0 9 * * 1-5');
    expect(t.parameters.map((p) => [p.name, p.requirement])).toEqual([
      ['repo', 'required'],
      ['label', 'optional'],
      ['max_prs', 'optional'],
    ]);
    expect(t.files.map((f) => f.path)).toEqual([
      'pr-review-sweep.yaml',
      'recipes/list-prs.yaml',
      'recipes/review-pr.yaml',
      'recipes/sweep-summary.yaml',
    ]);
    expect(t.files[0]!.content).toContain('for_each: ${steps.list.output.prs}');
    const e = await api.call('GET', '/templates/nope', 404, S.ErrorBody);
    expect(e.error.code).toBe('template_not_found');
    await api.call('GET', '/templates/Bad..Name', 400, S.ErrorBody);
  });
});

describe('POST /templates/{name}/use', () => {
  it('writes the files, validates them with the params, and creates the suggested schedule', async () => {
    const dir = join(api.box.root, 'digest');
    const used = await api.call('POST', '/templates/repo-digest/use', 200, T.TemplateUseResult, {
      dir,
      params: { repo: api.box.root },
      schedule: { timezone: 'UTC' },
    });
    const entry = join(dir, 'repo-digest.yaml');
    expect(used).toMatchObject({
      template: 'repo-digest',
      entry,
      files: [{ path: entry, status: 'created' }],
      scheduleSkipped: null,
    });
    expect(used.verdict).toMatchObject({ valid: true, headless: { ok: true } });
    expect(used.schedule).toMatchObject({ id: 'repo-digest', cron: '0 8 * * *', recipe: entry });
    expect(used.schedule!.params.repo).toBe(api.box.root);
    expect(readFileSync(entry, 'utf8')).toContain('Write the digest of the git repository');
    await api.call('GET', '/schedules/repo-digest', 200, S.ScheduleDetail);

    // Again: the files are unchanged; the schedule id is taken, refused before writing anything.
    const other = join(api.box.root, 'other');
    const taken = await api.call('POST', '/templates/repo-digest/use', 409, S.ErrorBody, {
      dir: other,
      schedule: {},
    });
    expect(taken.error).toMatchObject({ code: 'duplicate_schedule' });
    expect(existsSync(other)).toBe(false);
    const again = await api.call('POST', '/templates/repo-digest/use', 200, T.TemplateUseResult, {
      dir,
      params: { repo: api.box.root },
      schedule: { id: 'digest-2', cron: '30 6 * * 1-5', timezone: 'UTC' },
    });
    expect(again.files).toEqual([{ path: entry, status: 'unchanged' }]);
    expect(again.schedule).toMatchObject({ id: 'digest-2', cron: '30 6 * * 1-5' });
  });

  it('keeps a differing file unless forced; refuses a bad cron and a relative dir', async () => {
    const dir = join(api.box.root, 'audit');
    const entry = join(dir, 'dependency-audit.yaml');
    mkdirSync(dir);
    writeFileSync(entry, 'mine\n');
    const kept = await api.call('POST', '/templates/dependency-audit/use', 409, S.ErrorBody, {
      dir,
    });
    expect(kept.error.code).toBe('template_files_differ');
    expect(kept.error.details.files).toEqual([entry]);
    expect(readFileSync(entry, 'utf8')).toBe('mine\n');

    const bad = await api.call('POST', '/templates/dependency-audit/use', 400, S.ErrorBody, {
      dir,
      force: true,
      schedule: { cron: '61 * * * *' },
    });
    expect(bad.error.message).toMatch(/schedule cron: .*61 is out of range/);
    expect(readFileSync(entry, 'utf8')).toBe('mine\n');

    const forced = await api.call(
      'POST',
      '/templates/dependency-audit/use',
      200,
      T.TemplateUseResult,
      {
        dir,
        force: true,
      },
    );
    expect(forced.files).toEqual([{ path: entry, status: 'overwritten' }]);
    // No value for the required `project`: valid, but not runnable headless yet.
    expect(forced.verdict).toMatchObject({ valid: true, headless: { ok: false } });
    expect(forced.schedule).toBeNull();

    const relative = await api.call('POST', '/templates/dependency-audit/use', 400, S.ErrorBody, {
      dir: 'audit',
    });
    expect(relative.error.message).toMatch(/field 'dir': 'audit' is not an absolute path/);
    await api.call('POST', '/templates/dependency-audit/use', 400, S.ErrorBody, { dir, extra: 1 });
  });

  it('an invalid param: the files are written, the verdict says why, no schedule', async () => {
    const dir = join(api.box.root, 'docs');
    const used = await api.call('POST', '/templates/docs-freshness/use', 200, T.TemplateUseResult, {
      dir,
      params: { repo: dir, max_findings: 'many' },
      schedule: { timezone: 'UTC' },
    });
    expect(used.verdict.valid).toBe(false);
    expect(used.verdict.errors.map((e) => e.path)).toEqual(['params.max_findings']);
    expect(used.schedule).toBeNull();
    expect(used.scheduleSkipped).toMatch(/is not valid .*no schedule was created/);
    expect((await api.call('GET', '/schedules', 200, S.SchedulePage)).schedules).toEqual([]);
  });

  it('writes a pipeline template with its step recipes in their folder', async () => {
    const dir = join(api.box.root, 'triage');
    const used = await api.call(
      'POST',
      '/templates/incident-triage/use',
      200,
      T.TemplateUseResult,
      {
        dir,
        params: { logs: '/var/log/syslog' },
      },
    );
    expect(used.files.map((f) => f.path.slice(dir.length + 1))).toEqual([
      'incident-triage.yaml',
      'recipes/triage-failed.yaml',
      'recipes/triage-log.yaml',
      'recipes/triage-report.yaml',
    ]);
    expect(used.files.every((f) => f.status === 'created')).toBe(true);
    expect(readFileSync(join(dir, 'recipes/triage-log.yaml'), 'utf8')).toContain(
      'Triage {{ path }}',
    );
  });
});
