import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fixturesDir, json, sandbox, type Sandbox } from '../support/harness.js';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const add = (id: string, ...args: string[]) => cli(['schedule', 'add', id, ...args], box.env);

describe('schedule add: bad input is refused with the reason, nothing is written', () => {
  const cases: [string, (recipe: string) => string[], number, RegExp][] = [
    [
      'a cron field out of range',
      (r) => ['--cron', '61 * * * *', '--recipe', r],
      2,
      /61 is out of range for the minute field/,
    ],
    [
      'a wrong field count',
      (r) => ['--cron', '* * *', '--recipe', r],
      2,
      /expected 5 fields .* got 3/,
    ],
    [
      'a cron that never fires again',
      (r) => ['--cron', '0 0 12 * * * 2001', '--recipe', r],
      2,
      /never fires again: every year in its year field \(2001\) has passed/,
    ],
    [
      'a cron no calendar has (30 February): no year field blamed',
      (r) => ['--cron', '0 0 30 2 *', '--recipe', r],
      2,
      /never fires: no date matches it/,
    ],
    [
      'an end in the past',
      (r) => ['--cron', '@daily', '--end', '2020-01-01T00:00:00Z', '--recipe', r],
      2,
      /end 2020-01-01T00:00:00.000Z has passed: the schedule would never fire/,
    ],
    [
      'retries beyond the range',
      (r) => ['--cron', '@daily', '--retries', '99999999999', '--recipe', r],
      2,
      /--retries must be a whole number from 0 to 100/,
    ],
    [
      'a timeout beyond the range',
      (r) => ['--cron', '@daily', '--timeout', '400d', '--recipe', r],
      2,
      /--timeout '400d' is out of range: allowed 100ms to 365d/,
    ],
    [
      'a jitter beyond the range',
      (r) => ['--cron', '@daily', '--jitter', '1000d', '--recipe', r],
      2,
      /--jitter '1000d' is out of range: allowed 0s to 365d/,
    ],
    [
      'an unknown time zone',
      (r) => ['--cron', '@daily', '--tz', 'Mars/Base', '--recipe', r],
      2,
      /unknown time zone 'Mars\/Base'/,
    ],
    [
      'an unknown overlap policy',
      (r) => ['--cron', '@daily', '--overlap', 'queue', '--recipe', r],
      2,
      /Allowed choices are skip, buffer_one, buffer_all, cancel_other, terminate_other, allow_all/,
    ],
    [
      'conflicting catch-up flags',
      (r) => ['--cron', '@daily', '--catchup', 'latest', '--recipe', r],
      2,
      /--catchup latest needs a --catchup-window greater than 0/,
    ],
    [
      'an unknown parameter',
      (r) => ['--cron', '@daily', '--recipe', r, '-p', 'nope=1'],
      2,
      /no parameter `nope`/,
    ],
    [
      'a missing --recipe',
      () => ['--cron', '@daily'],
      2,
      /needs --cron <expr> and --recipe <file>/,
    ],
    [
      'an unknown execution mode',
      (r) => ['--cron', '@daily', '--mode', 'desktop', '--recipe', r],
      2,
      /Allowed choices are background, foreground/,
    ],
  ];
  for (const [name, args, code, message] of cases) {
    it(name, async () => {
      const res = await add('nightly', ...args(box.recipe('ok.yaml')));
      expect(res.code, res.stderr).toBe(code);
      expect(res.stderr).toMatch(message);
      expect(json((await cli(['schedule', 'list', '--json'], box.env)).stdout)).toEqual([]);
    });
  }

  it('a recipe that cannot run headless, with every reason', async () => {
    const res = await add(
      'plan',
      '--cron',
      '@daily',
      '--recipe',
      join(fixturesDir, 'planner.yaml'),
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('cannot run headless');
    expect(res.stderr).toContain('recipe has no `prompt`');
    expect(res.stderr).toContain('parameter `goal` (required)');
  });

  it('a duplicate id, keeping the first schedule as it was', async () => {
    expect(
      (await add('nightly', '--cron', '0 2 * * *', '--recipe', box.recipe('a.yaml'))).code,
    ).toBe(0);
    const again = await add('nightly', '--cron', '0 3 * * *', '--recipe', box.recipe('b.yaml'));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("a schedule with id 'nightly' already exists");
    const list = json<{ id: string; cron: string }[]>(
      (await cli(['schedule', 'list', '--json'], box.env)).stdout,
    );
    expect(list).toMatchObject([{ id: 'nightly', cron: '0 2 * * *' }]);
  });
});

describe('schedule show', () => {
  it('prints the next 5 fire times in the schedule zone and the cron in words', async () => {
    await add(
      'standup',
      '--cron',
      '0 0 9 * * 1-5 *',
      '--tz',
      'Europe/Berlin',
      '--recipe',
      box.recipe('s.yaml'),
    );
    const show = await cli(['schedule', 'show', 'standup'], box.env);
    expect(show.stdout).toContain('At 09:00, Monday through Friday (Europe/Berlin)');
    const times = show.stdout.split('\n').filter((l) => l.endsWith(' 09:00:00 Europe/Berlin'));
    expect(times).toHaveLength(5);
    const detail = json<{ nextRuns: string[] }>(
      (await cli(['schedule', 'show', 'standup', '--json'], box.env)).stdout,
    );
    expect(detail.nextRuns).toHaveLength(5);
    for (const t of detail.nextRuns)
      expect(new Date(t).getUTCHours()).toBe(
        new Date(t).getUTCMonth() >= 3 && new Date(t).getUTCMonth() < 9 ? 7 : 8,
      );
  });
});

describe('schedule details a user asked about', () => {
  it('a catch-up window under 10 s is said to act as 10 s; show says an occurrence up to 10 s late starts', async () => {
    const recipe = box.recipe('w.yaml');
    const short = await add(
      'short',
      '--cron',
      '@daily',
      '--recipe',
      recipe,
      '--catchup-window',
      '5s',
    );
    expect(short.code).toBe(0);
    expect(short.stderr).toMatch(/catch-up window under 10 s acts as 10 s/);
    const plain = await add('plain', '--cron', '@daily', '--recipe', recipe);
    expect(plain.stderr).not.toMatch(/catch-up/);
    const shown = await cli(['schedule', 'show', 'plain'], box.env);
    expect(shown.stdout).toContain(
      'catch-up window 0ms (an occurrence up to 10 s late still starts)',
    );
  });

  it('update keeps the recipe snapshot unless --recipe is given again', async () => {
    const recipe = box.recipe('u.yaml');
    expect((await add('u', '--cron', '@daily', '--recipe', recipe)).code).toBe(0);
    const hash = () =>
      cli(['schedule', 'show', 'u', '--json'], box.env).then((r) =>
        json<{ recipeHash: string; cron: string }>(r.stdout),
      );
    const before = await hash();
    writeFileSync(recipe, readFileSync(recipe, 'utf8') + '\n# edited\n');
    const cronOnly = await cli(['schedule', 'update', 'u', '--cron', '@hourly'], box.env);
    expect(cronOnly.code, cronOnly.stderr).toBe(0);
    expect(await hash()).toMatchObject({ recipeHash: before.recipeHash, cron: '@hourly' });
    // Even a recipe that no longer validates does not stop a cron change.
    writeFileSync(recipe, 'version: 1\n');
    expect((await cli(['schedule', 'update', 'u', '--cron', '@daily'], box.env)).code).toBe(0);
    const reload = await cli(['schedule', 'update', 'u', '--recipe', recipe], box.env);
    expect(reload.code).toBe(2);
    expect(reload.stderr).toMatch(/invalid/);
  });

  it('show pages through the decisions: --decisions n, then --before the cursor it printed', async () => {
    const recipe = box.recipe('b.yaml', { lines: 0 });
    expect((await add('b', '--cron', '0 * * * *', '--tz', 'UTC', '--recipe', recipe)).code).toBe(0);
    const filled = await cli(
      [
        'schedule',
        'backfill',
        'b',
        '--from',
        '2026-01-01T00:00:00Z',
        '--to',
        '2026-01-01T04:00:00Z',
        '--overlap',
        'allow_all',
      ],
      box.env,
    );
    expect(filled.code, filled.stderr).toBe(0);
    const first = json<{ decisions: { scheduledAt: string }[]; moreDecisions: string | null }>(
      (await cli(['schedule', 'show', 'b', '--decisions', '2', '--json'], box.env)).stdout,
    );
    expect(first.decisions.map((d) => d.scheduledAt)).toEqual([
      '2026-01-01T04:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
    ]);
    expect(first.moreDecisions).toBeTruthy();
    const text = await cli(['schedule', 'show', 'b', '--decisions', '2'], box.env);
    expect(text.stdout).toContain(`--before ${first.moreDecisions}`);
    const rest = json<{ decisions: { scheduledAt: string }[]; moreDecisions: string | null }>(
      (
        await cli(
          [
            'schedule',
            'show',
            'b',
            '--decisions',
            '10',
            '--before',
            first.moreDecisions!,
            '--json',
          ],
          box.env,
        )
      ).stdout,
    );
    expect(rest.decisions.map((d) => d.scheduledAt)).toEqual([
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    expect(rest.moreDecisions).toBeNull();
    const bad = await cli(['schedule', 'show', 'b', '--before', 'nope'], box.env);
    expect(bad.code).toBe(2);
  });

  it('--json answers a failure with JSON too (kill of an ended run), in the API error shape', async () => {
    const run = json<{ id: string }>(
      (await cli(['run', box.recipe('k.yaml'), '--json'], box.env)).stdout,
    );
    const killed = await cli(['kill', run.id, '--json'], box.env);
    expect(killed.code).toBe(1);
    expect(json(killed.stdout)).toMatchObject({
      error: { code: 'run_ended', message: expect.stringMatching(/already ended as succeeded/) },
    });
  });
});

describe('the API twins: schedule next, runs --schedule/--cursor', () => {
  it('schedule next prints as many fire times as asked, as the API does', async () => {
    await add('hourly', '--cron', '0 * * * *', '--tz', 'UTC', '--recipe', box.recipe('h.yaml'));
    const next = json<{ next: string[] }>(
      (await cli(['schedule', 'next', 'hourly', '--count', '12', '--json'], box.env)).stdout,
    ).next;
    expect(next).toHaveLength(12);
    for (let i = 1; i < next.length; i++)
      expect(Date.parse(next[i]!) - Date.parse(next[i - 1]!)).toBe(3_600_000);
    const text = await cli(['schedule', 'next', 'hourly', '--count', '2'], box.env);
    expect(text.stdout.trim().split('\n')).toEqual(next.slice(0, 2));
    const bad = await cli(['schedule', 'next', 'hourly', '--count', '101'], box.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--count must be a whole number from 1 to 100');
  });

  it("runs --schedule lists one schedule's runs, a page at a time with --cursor", async () => {
    const recipe = box.recipe('p.yaml');
    await add('paged', '--cron', '@yearly', '--recipe', recipe);
    await add('other', '--cron', '@yearly', '--recipe', recipe);
    for (const id of ['paged', 'other', 'paged', 'paged'])
      expect((await cli(['schedule', 'trigger', id], box.env)).code).toBe(0);
    type R = { id: string; scheduleId: string };
    const all = json<R[]>((await cli(['runs', '--schedule', 'paged', '--json'], box.env)).stdout);
    expect(all).toHaveLength(3);
    expect(all.every((r) => r.scheduleId === 'paged')).toBe(true);
    const first = await cli(['runs', '--schedule', 'paged', '--limit', '2', '--json'], box.env);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor, first.stderr).toBeTruthy();
    const second = await cli(
      ['runs', '--schedule', 'paged', '--limit', '2', '--cursor', cursor!, '--json'],
      box.env,
    );
    expect([...json<R[]>(first.stdout), ...json<R[]>(second.stdout)]).toEqual(all);
    expect(second.stderr).not.toContain('--cursor');
    const bad = await cli(['runs', '--cursor', 'nonsense'], box.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cursor: not a cursor goose-flow handed out');
  });
});

describe('a recipe file deleted after scheduling', () => {
  it('the snapshot still runs; with --follow-source the loss is reported and the snapshot runs', async () => {
    const recipe = box.recipe('gone.yaml', { lines: 1 });
    expect((await add('kept', '--cron', '@yearly', '--recipe', recipe)).code).toBe(0);
    expect(
      (await add('follow', '--cron', '@yearly', '--recipe', recipe, '--follow-source')).code,
    ).toBe(0);
    rmSync(recipe);
    const kept = await cli(['schedule', 'trigger', 'kept'], box.env);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/run kept@\S+ succeeded/);
    const followed = await cli(['schedule', 'trigger', 'follow'], box.env);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stderr).toContain('cannot read recipe');
    expect(followed.stderr).toContain('running the snapshot');
  });

  it('with --follow-source, a changed file is what runs next', async () => {
    const record = join(box.root, 'record.jsonl');
    const recipe = box.recipe('live.yaml', { lines: 1 });
    expect(
      (await add('live', '--cron', '@yearly', '--recipe', recipe, '--follow-source')).code,
    ).toBe(0);
    writeFileSync(
      recipe,
      `# goose-standin: record=${record}\ntitle: changed\ndescription: d\nprompt: new prompt\n`,
    );
    expect((await cli(['schedule', 'trigger', 'live'], box.env)).code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const call = json<{ argv: string[] }>(readFileSync(record, 'utf8').trim());
    expect(
      readFileSync(
        call.argv.find((a) => a.startsWith('--recipe='))!.slice('--recipe='.length),
        'utf8',
      ),
    ).toContain('new prompt');
  });
});
