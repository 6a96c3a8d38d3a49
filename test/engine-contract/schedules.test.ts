import { expect, it } from 'vitest';
import { eventually, forEachEngine } from './engines.js';

const EVERY_SECOND = '* * * * * *';

forEachEngine('schedules', (engine) => {
  it('a schedule fires on time and its runs are listed by schedule', async () => {
    const e = engine();
    await e.serve();
    const created = await e.app.schedules.add(
      e.draft('tick', EVERY_SECOND, e.box.recipe('t.yaml')),
    );
    expect(created.id).toBe('tick');
    const detail = await e.app.schedules.show('tick');
    expect(detail.next.length).toBeGreaterThan(0);
    expect(detail.next[0]! - Date.now()).toBeLessThanOrEqual(1_500);
    const runs = await eventually(async () => {
      const list = await e.runsOf('tick');
      return list.filter((r) => r.status === 'succeeded').length >= 2 && list;
    }, 'two succeeded runs of the schedule');
    for (const run of runs) {
      expect(run.scheduleId).toBe('tick');
      expect(run.trigger).toBe('schedule');
    }
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    const shown = await e.app.schedules.show('tick');
    expect(shown.decisions.some((d) => d.decision === 'started')).toBe(true);
    expect(shown.recentRuns.length).toBeGreaterThan(0);
  });

  it('a paused schedule starts nothing; resumed, it fires again', async () => {
    const e = engine();
    await e.serve();
    await e.app.schedules.add(e.draft('p', EVERY_SECOND, e.box.recipe('p.yaml'), { paused: true }));
    expect((await e.app.schedules.get('p')).state.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await e.runsOf('p')).toHaveLength(0);
    const resumed = await e.app.schedules.resume('p', 'back');
    expect(resumed.state.paused).toBe(false);
    await eventually(async () => (await e.runsOf('p')).length > 0, 'a run after resume');
    const paused = await e.app.schedules.pause('p', 'lunch');
    expect(paused.state).toMatchObject({ paused: true, note: 'lunch' });
  });

  it('overlap skip: while a run goes on, occurrences start no second run', async () => {
    const e = engine();
    await e.serve();
    await e.app.schedules.add(e.draft('o', EVERY_SECOND, e.box.recipe('o.yaml', { sleep: 4 })));
    await eventually(async () => (await e.runsOf('o')).length > 0, 'the first run');
    await new Promise((r) => setTimeout(r, 2_500));
    const runs = await e.runsOf('o');
    expect(runs.filter((r) => r.status === 'running' || r.status === 'pending')).toHaveLength(1);
    expect(runs).toHaveLength(1);
    const detail = await e.app.schedules.show('o');
    const skipped =
      detail.counts?.skippedOverlap ??
      detail.decisions.filter((d) => d.decision === 'skipped_overlap').length;
    expect(skipped).toBeGreaterThan(0);
    await e.app.schedules.pause('o', null);
  });

  it('trigger honours the overlap policy given: skip refuses, allow_all starts a second run', async () => {
    const e = engine();
    await e.serve();
    await e.app.schedules.add(e.draft('tr', '@yearly', e.box.recipe('tr.yaml', { sleep: 6 })));
    const first = await e.app.schedules.trigger('tr');
    expect(first.decision).toBe('started');
    expect(first.run?.scheduleId).toBe('tr');
    await eventually(
      async () => (await e.app.runs.get(first.run!.id)).status === 'running',
      'running',
    );
    const skipped = await e.app.schedules.trigger('tr', 'skip');
    expect(skipped.decision).toBe('skipped_overlap');
    expect(skipped.run).toBeNull();
    const second = await e.app.schedules.trigger('tr', 'allow_all');
    expect(second.decision).toBe('started');
    expect(second.run!.id).not.toBe(first.run!.id);
    await eventually(
      async () => (await e.runsOf('tr')).filter((r) => r.status === 'running').length === 2,
      'two runs at once',
    );
    for (const run of await e.runsOf('tr')) await e.app.runs.kill(run.id).catch(() => undefined);
  });

  it('remaining actions: a schedule limited to 2 runs starts exactly 2', async () => {
    const e = engine();
    await e.serve();
    await e.app.schedules.add(
      e.draft('lim', EVERY_SECOND, e.box.recipe('lim.yaml'), { remainingActions: 2 }),
    );
    await eventually(async () => (await e.runsOf('lim')).length >= 2, 'two runs');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await e.runsOf('lim')).toHaveLength(2);
    const schedule = await e.app.schedules.get('lim');
    expect(schedule.state.remainingActions).toBe(0);
    expect((await e.app.schedules.show('lim')).next).toEqual([]);
  });

  it('update changes the spec and keeps the id; remove deletes it', async () => {
    const e = engine();
    await e.serve();
    const recipe = e.box.recipe('u.yaml');
    await e.app.schedules.add(e.draft('u', '0 0 3 * * *', recipe));
    const before = await e.app.schedules.show('u');
    expect(new Date(before.next[0]!).getUTCHours()).toBe(3);
    const updated = await e.app.schedules.update(
      'u',
      e.draft('u', '0 30 4 * * *', recipe, { overlap: 'allow_all' }),
    );
    expect(updated.spec.expression).toBe('0 30 4 * * *');
    expect(updated.policies.overlap).toBe('allow_all');
    const after = await e.app.schedules.show('u');
    expect(new Date(after.next[0]!).getUTCHours()).toBe(4);
    expect(new Date(after.next[0]!).getUTCMinutes()).toBe(30);
    await e.app.schedules.remove('u');
    await expect(e.app.schedules.get('u')).rejects.toThrow(/not found/);
    await expect(e.app.schedules.remove('u')).rejects.toThrow(/not found/);
  });

  it('a duplicate id and an invalid spec are refused with what and where', async () => {
    const e = engine();
    const recipe = e.box.recipe('d.yaml');
    await e.app.schedules.add(e.draft('dup', '@daily', recipe));
    await expect(e.app.schedules.add(e.draft('dup', '@daily', recipe))).rejects.toThrow(
      /already exists/,
    );
    await expect(e.app.schedules.add(e.draft('bad', '61 * * * *', recipe))).rejects.toThrow(
      /minute/,
    );
    await expect(
      e.app.schedules.add(e.draft('tz', '@daily', recipe, { timezone: 'Mars/Olympus' })),
    ).rejects.toThrow(/unknown time zone/);
    expect((await e.app.schedules.list()).map((s) => s.id)).toEqual(['dup']);
  });

  it('schedules survive a restart and keep firing', async () => {
    const e = engine();
    await e.serve();
    await e.app.schedules.add(e.draft('keep', EVERY_SECOND, e.box.recipe('k.yaml')));
    await eventually(async () => (await e.runsOf('keep')).length > 0, 'a run before restart');
    const app = await e.restart();
    expect((await app.schedules.get('keep')).spec.expression).toBe(EVERY_SECOND);
    const seen = (await e.runsOf('keep')).length;
    await eventually(async () => (await e.runsOf('keep')).length > seen, 'a run after restart');
  });

  it('backfill runs every occurrence of a past range, with the overlap policy given', async () => {
    const e = engine();
    await e.serve();
    await e.app.schedules.add(e.draft('bf', '0 * * * * *', e.box.recipe('bf.yaml')));
    const now = Date.now();
    const minute = Math.floor(now / 60_000) * 60_000;
    // [minute − 3 min, minute − 1 ms] holds three whole minutes.
    const result = await e.app.schedules.backfill('bf', minute - 180_000, minute - 1, 'allow_all');
    expect(result.decided).toHaveLength(3);
    const runs = await eventually(async () => {
      const list = await e.runsOf('bf');
      return list.length === 3 && list.every((r) => r.status === 'succeeded') && list;
    }, 'three backfilled runs to succeed');
    expect(runs.every((r) => r.scheduleId === 'bf')).toBe(true);
  });

  it('pause on failure: a failed run pauses its schedule', async () => {
    const e = engine();
    await e.serve();
    await e.app.schedules.add(
      e.draft('pof', EVERY_SECOND, e.box.recipe('pof.yaml', { exit: 1 }), {
        pauseOnFailure: true,
        retries: 0,
      }),
    );
    await eventually(async () => (await e.app.schedules.get('pof')).state.paused, 'the pause');
    const runs = await e.runsOf('pof');
    expect(runs.some((r) => r.status === 'failed')).toBe(true);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await e.runsOf('pof')).length).toBe(runs.length);
  });

  it('an end time stops the schedule: no run is scheduled at or after it', async () => {
    const e = engine();
    await e.serve();
    const endAt = Math.ceil(Date.now() / 1000) * 1000 + 3_000;
    await e.app.schedules.add(e.draft('end', EVERY_SECOND, e.box.recipe('end.yaml'), { endAt }));
    await new Promise((r) => setTimeout(r, endAt - Date.now() + 2_500));
    const runs = await e.runsOf('end');
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(3);
    expect(runs.every((r) => r.createdAt < endAt + 1_000)).toBe(true);
    expect((await e.app.schedules.show('end')).next).toEqual([]);
  });

  it('overlap cancel_other: a new occurrence cancels the run still going (its tree killed) and starts', async () => {
    const e = engine();
    await e.serve();
    await e.app.schedules.add(
      e.draft('co', '*/3 * * * * *', e.box.recipe('co.yaml', { sleep: 30 }), {
        overlap: 'cancel_other',
      }),
    );
    const runs = await eventually(
      async () => {
        const list = await e.runsOf('co');
        // Temporal starts the next run once the cancelled one has closed: wait for both.
        return list.some((r) => r.status === 'cancelled') && list.length >= 2 && list;
      },
      'a run cancelled by the next occurrence, and the run after it',
      30_000,
    );
    await e.app.schedules.pause('co', null);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of await e.runsOf('co')) await e.app.runs.kill(run.id).catch(() => undefined);
  });
});
