/**
 * `goose-flow template …` as a user runs it (the built CLI, a fresh data dir, the goose
 * stand-in): the catalogue, a template shown, and `use --schedule` end to end — files written,
 * the schedule created and triggered, its run executing the written recipe with the params.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, json, sandbox, type Sandbox } from '../support/harness.js';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  cli(['template', ...args], { ...box.env, ...extra }, { cwd: box.root });

describe('goose-flow template', () => {
  it('list and show: the built-in catalogue, your templates beside it', async () => {
    const mine = join(box.root, 'my-templates', 'weekly-note');
    mkdirSync(mine, { recursive: true });
    writeFileSync(
      join(mine, 'template.yaml'),
      'name: weekly-note\ntitle: Weekly note\ndescription: a note\nentry: note.yaml\n' +
        'schedule:\n  cron: "0 9 * * 1"\n  description: Mondays at 09:00\n',
    );
    writeFileSync(join(mine, 'note.yaml'), readFileSync(box.recipe('note.yaml'), 'utf8'));
    const env = { GOOSE_FLOW_TEMPLATES_DIR: join(box.root, 'my-templates') };

    const listed = await run(['list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^NAME +KIND +SCHEDULE +TITLE$/m);
    expect(listed.stdout).toMatch(
      /^pr-review-sweep +pipeline +0 9 \* \* 1-5 \(weekdays at 09:00\)/m,
    );
    expect(listed.stdout).toMatch(/^weekly-note \* +recipe/m);
    type Listing = { templates: { name: string; source: string }[]; problems: unknown[] };
    const all = json<Listing>((await run(['list', '--json'], env)).stdout);
    expect(all.problems).toEqual([]);
    expect(all.templates.map((t) => `${t.name}:${t.source}`)).toEqual([
      'dependency-audit:builtin',
      'docs-freshness:builtin',
      'incident-triage:builtin',
      'pr-review-sweep:builtin',
      'release-notes:builtin',
      'repo-digest:builtin',
      'weekly-note:user',
    ]);

    const shown = await run(['show', 'release-notes']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('schedule   0 15 * * 5 — every Friday at 15:00 (suggested)');
    expect(shown.stdout).toMatch(/^ {2}repo +string +required +- +absolute path/m);
    expect(shown.stdout).toContain('  recipes/check-notes.yaml');
    expect(shown.stdout).not.toContain('--- release-notes.yaml ---');
    const files = await run(['show', 'release-notes', '--files']);
    expect(files.stdout).toContain('--- recipes/draft-notes.yaml ---');
    expect(files.stdout).toContain('{{ changes | indent(4) }}');
    const missing = await run(['show', 'nope', '--json']);
    expect(missing.code).toBe(1);
    expect(json<{ error: { code: string } }>(missing.stdout).error.code).toBe('template_not_found');
  });

  it('use --schedule of a pipeline template: the schedule runs the pipeline, every step a run', async () => {
    const used = await run([
      'use',
      'pr-review-sweep',
      '-p',
      'repo=acme/app',
      '--schedule',
      '--tz',
      'UTC',
    ]);
    expect(used.code, used.stderr).toBe(0);
    expect(used.stdout).toMatch(
      /pr-review-sweep\.yaml: valid, runs headless with repo="acme\/app"/,
    );
    // The stand-in hands this over from every step: the list step's JSON, the others' text.
    const listed =
      '{"count": 2, "prs": [{"number": 7, "title": "a"}, {"number": 8, "title": "b"}]}';
    const trigger = await cli(['schedule', 'trigger', 'pr-review-sweep'], {
      ...box.env,
      STANDIN_OUTPUT: listed,
    });
    expect(trigger.code, trigger.stderr).toBe(0);
    type Listed = {
      id: string;
      kind: string;
      status: string;
      pipelineRun: { step: string } | null;
    };
    const runs = json<Listed[]>((await cli(['runs', '--json'], box.env)).stdout);
    const pipeline = runs.find((r) => r.kind === 'pipeline')!;
    expect(pipeline.status).toBe('succeeded');
    expect(
      runs
        .filter((r) => r.pipelineRun)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['list', 'review.0', 'review.1', 'summary'].map((k) => `${pipeline.id}:${k}`).sort());
  });

  it('use --schedule: writes, validates, schedules; the schedule runs the written recipe', async () => {
    const repo = join(box.root, 'repo');
    mkdirSync(repo);
    const used = await run([
      'use',
      'repo-digest',
      '-p',
      `repo=${repo}`,
      '--schedule',
      '--tz',
      'UTC',
    ]);
    expect(used.code, used.stderr).toBe(0);
    const entry = join(box.root, 'repo-digest', 'repo-digest.yaml');
    expect(used.stdout).toContain(`created     ${entry}`);
    expect(used.stdout).toContain(`${entry}: valid, runs headless with repo="${repo}"`);
    expect(used.stdout).toMatch(/schedule repo-digest created \(0 8 \* \* \*, UTC\); next run /);

    type Sched = { id: string; cron: string; recipe: string; params: Record<string, string> };
    const [schedule] = json<Sched[]>((await cli(['schedule', 'list', '--json'], box.env)).stdout);
    expect(schedule).toMatchObject({ id: 'repo-digest', cron: '0 8 * * *', recipe: entry });
    expect(schedule!.params.repo).toBe(repo);

    const record = join(box.root, 'goose.jsonl');
    const trigger = await cli(['schedule', 'trigger', 'repo-digest'], {
      ...box.env,
      STANDIN_RECORD: record,
    });
    expect(trigger.code, trigger.stderr).toBe(0);
    const runs = json<{ status: string; scheduleId: string }[]>(
      (await cli(['runs', '--json'], box.env)).stdout,
    );
    expect(runs).toMatchObject([{ status: 'succeeded', scheduleId: 'repo-digest' }]);
    const argv = (JSON.parse(readFileSync(record, 'utf8').trim()) as { argv: string[] }).argv;
    expect(argv).toContain(`--params=repo=${repo}`);
    const snapshot = argv.find((a) => a.endsWith('repo-digest.yaml') && a !== entry)!;
    expect(readFileSync(snapshot.replace(/^--recipe=/, ''), 'utf8')).toBe(
      readFileSync(entry, 'utf8'),
    );

    // The same again: the file is unchanged, the id taken — refused, nothing more written.
    const again = await run(['use', 'repo-digest', '--dir', 'second', '--schedule']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("a schedule with id 'repo-digest' already exists");
    expect(existsSync(join(box.root, 'second'))).toBe(false);
  });

  it('exit codes: 1 not runnable headless, 2 invalid or not schedulable; a differing file is kept', async () => {
    const dir = ['--dir', 'audit'];
    const unset = await run(['use', 'dependency-audit', ...dir]);
    expect(unset.code).toBe(1);
    expect(unset.stdout).toContain('valid, but cannot run headless');
    const noSchedule = await run(['use', 'dependency-audit', ...dir, '--schedule']);
    expect(noSchedule.code).toBe(2);
    expect(noSchedule.stdout).toContain('unchanged');
    expect(noSchedule.stdout).toMatch(/no schedule: .* cannot run headless/);
    const invalid = await run(['use', 'dependency-audit', ...dir, '-p', 'min_severity=worst']);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toMatch(/min_severity.*worst/);
    expect(json((await cli(['schedule', 'list', '--json'], box.env)).stdout)).toEqual([]);

    const entry = join(box.root, 'audit', 'dependency-audit.yaml');
    writeFileSync(entry, 'my own\n');
    const kept = await run(['use', 'dependency-audit', ...dir, '-p', 'project=.']);
    expect(kept.code).toBe(1);
    expect(kept.stderr).toContain('differ from the template');
    expect(readFileSync(entry, 'utf8')).toBe('my own\n');
    const forced = await run(['use', 'dependency-audit', ...dir, '-p', 'project=.', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`overwritten ${entry}`);
  });
});
