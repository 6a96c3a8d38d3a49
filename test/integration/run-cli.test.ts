import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  cli,
  finished,
  json,
  livePids,
  readPids,
  sandbox,
  startCli,
  waitFor,
  type Sandbox,
} from '../support/harness.js';

interface RunJson {
  id: string;
  status: string;
  attempts:
    | number
    | {
        number: number;
        status: string;
        exitCode: number | null;
        pid: number | null;
        log: { path: string; bytes: number; truncated: boolean };
      }[];
  sessionId: string | null;
  exitCode: number | null;
  error: string | null;
  timeline: { type: string; attempt: number | null; data: Record<string, unknown> }[];
}

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

async function show(id: string): Promise<RunJson> {
  const res = await cli(['runs', 'show', id, '--json'], box.env);
  expect(res.code, res.stderr).toBe(0);
  return json<RunJson>(res.stdout);
}

async function onlyRunId(): Promise<string> {
  const res = await cli(['runs', '--json'], box.env);
  const runs = json<{ id: string }[]>(res.stdout);
  expect(runs).toHaveLength(1);
  return runs[0]!.id;
}

describe('goose-flow run', () => {
  it('runs a recipe, streams its log live, records session id, attempt and timeline', async () => {
    const recipe = box.recipe('ok.yaml', { lines: 5 });
    const res = await cli(['run', recipe], box.env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('stand-in line 5 of 5');
    expect(res.stderr).toMatch(/run r-\S+ succeeded/);
    const run = await show(await onlyRunId());
    expect(run.status).toBe('succeeded');
    expect(run.sessionId).toMatch(/^standin_r-/);
    expect(run.exitCode).toBe(0);
    const attempts = run.attempts as Exclude<RunJson['attempts'], number>;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.log.bytes).toBeGreaterThan(100);
    expect(readFileSync(attempts[0]!.log.path, 'utf8')).toContain('stand-in line 5 of 5');
    expect(run.timeline.map((e) => e.type)).toEqual([
      'run_created',
      'attempt_started',
      'session_detected',
      'attempt_succeeded',
      'run_completed',
    ]);
  });

  it('passes goose run arguments, params and the GOOSE_* environment to the executor', async () => {
    const record = join(box.root, 'record.jsonl');
    const recipe = box.recipe(
      'params.yaml',
      { record },
      [
        'parameters:',
        '  - key: who',
        '    input_type: string',
        '    requirement: required',
        '    description: who',
        '  - key: n',
        '    input_type: number',
        '    requirement: optional',
        '    default: 3',
        '    description: count',
        'instructions: greet {{ who }} {{ n }} times',
      ].join('\n') + '\n',
    );
    const res = await cli(['run', recipe, '--param', 'who=a=b'], box.env);
    expect(res.code, res.stderr).toBe(0);
    const call = json<{ argv: string[]; env: Record<string, string>; cwd: string }>(
      readFileSync(record, 'utf8').trim(),
    );
    const id = await onlyRunId();
    expect(call.argv[0]).toBe('run');
    // Each value in its option's own argument: nothing a user wrote can be read as an option.
    expect(call.argv.find((a) => a.startsWith('--recipe='))).toMatch(
      /^--recipe=.*recipes\/[0-9a-f]{64}\/params\.yaml$/,
    );
    expect(call.argv.join(' ')).toContain('--params=who=a=b --params=n=3');
    expect(call.argv).toContain(`--name=${id}-a1`);
    expect(call.env).toMatchObject({
      GOOSE_FLOW_RUN_ID: id,
      GOOSE_FLOW_ATTEMPT: '1',
      GOOSE_JOB_ID: id,
    });
    expect(call.cwd).toBe(join(box.dataDir, 'work'));
  });

  it('retries a failing attempt with backoff and succeeds', async () => {
    const recipe = box.recipe('flaky.yaml', { fail_first: 2 });
    const res = await cli(['run', recipe], box.env);
    expect(res.code, res.stderr).toBe(0);
    const run = await show(await onlyRunId());
    const attempts = run.attempts as Exclude<RunJson['attempts'], number>;
    expect(attempts.map((a) => [a.status, a.exitCode])).toEqual([
      ['failed', 1],
      ['failed', 1],
      ['succeeded', 0],
    ]);
    const delays = run.timeline
      .filter((e) => e.type === 'retry_scheduled')
      .map((e) => e.data.delayMs);
    expect(delays).toEqual([1000, 2000]);
  });

  it('fails after the last attempt and exits 1 with the reason', async () => {
    const recipe = box.recipe('broken.yaml', { exit: 7 });
    const res = await cli(['run', recipe, '--retries', '1'], box.env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('attempt 2 exited with code 7; not retried: attempt 2 of 2 used');
    const run = await show(await onlyRunId());
    expect(run.status).toBe('failed');
    expect(run.exitCode).toBe(7);
  });

  it('times out an attempt, kills its tree, retries, and ends timed_out (exit 124)', async () => {
    const recipe = box.recipe('slow.yaml', { sleep: 30, children: 1 });
    const res = await cli(
      ['run', recipe, '--timeout', '700ms', '--retries', '1', '--grace', '300ms'],
      box.env,
    );
    expect(res.code, res.stderr).toBe(124);
    const run = await show(await onlyRunId());
    expect(run.status).toBe('timed_out');
    const attempts = run.attempts as Exclude<RunJson['attempts'], number>;
    expect(attempts.map((a) => a.status)).toEqual(['timed_out', 'timed_out']);
    expect(livePids(readPids(box.pidfile))).toEqual([]);
  });

  it('a timeout longer than setTimeout allows (25d) is kept, not fired at once', async () => {
    const res = await cli(
      ['run', box.recipe('ok.yaml', { sleep: 1 }), '--timeout', '25d'],
      box.env,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toContain('TimeoutOverflowWarning');
    const run = await show(await onlyRunId());
    expect(run.status).toBe('succeeded');
  });

  it('caps the log, says so in the log and the timeline', async () => {
    const recipe = box.recipe('chatty.yaml', { lines: 2000, line_bytes: 100 });
    const res = await cli(['run', recipe, '--json'], { ...box.env, GOOSE_FLOW_HOME: box.dataDir });
    expect(res.code, res.stderr).toBe(0);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(box.dataDir, 'config.yaml'), 'run:\n  log_cap_bytes: 4096\n');
    const capped = await cli(['run', recipe, '--json'], box.env);
    expect(capped.code, capped.stderr).toBe(0);
    const run = await show(json<{ id: string }>(capped.stdout).id);
    const attempt = (run.attempts as Exclude<RunJson['attempts'], number>)[0]!;
    expect(attempt.log.truncated).toBe(true);
    expect(attempt.log.bytes).toBe(4096);
    expect(readFileSync(attempt.log.path, 'utf8')).toContain(
      '[goose-flow] log capped at 4096 bytes',
    );
    expect(run.timeline.some((e) => e.type === 'log_capped')).toBe(true);
  });
});

describe('goose-flow kill and Ctrl-C', () => {
  it('kill stops the whole three-level tree, even one that ignores SIGTERM', async () => {
    const recipe = box.recipe('stubborn.yaml', { sleep: 60, children: 2, ignore_term: 1 });
    const runner = startCli(['run', recipe, '--grace', '500ms'], box.env);
    await waitFor(() => readPids(box.pidfile).length >= 5, 15_000, 'the process tree');
    const id = await onlyRunId();
    const killed = await cli(['kill', id], box.env);
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stdout).toContain(`run ${id} cancelled`);
    expect(livePids(readPids(box.pidfile))).toEqual([]);
    const res = await finished(runner);
    expect(res.code).toBe(130);
    const run = await show(id);
    expect(run.status).toBe('cancelled');
    const kill = run.timeline.find(
      (e) => e.type === 'process_killed' && e.data.escalated !== undefined,
    );
    expect(kill?.data.escalated).toBe(true);
  });

  it('Ctrl-C (SIGINT) cancels the run and kills its tree', async () => {
    const recipe = box.recipe('long.yaml', { sleep: 60, children: 1 });
    const runner = startCli(['run', recipe, '--grace', '2s'], box.env);
    await waitFor(() => readPids(box.pidfile).length >= 3, 15_000, 'the process tree');
    runner.kill('SIGINT');
    const res = await finished(runner);
    expect(res.code).toBe(130);
    expect(livePids(readPids(box.pidfile))).toEqual([]);
    const run = await show(await onlyRunId());
    expect(run.status).toBe('cancelled');
    const ended = run.timeline.find((e) => e.type === 'attempt_cancelled');
    expect(ended?.data).toMatchObject({ signal: 'SIGTERM', escalated: false });
    // The timeline ends with the run's completion: nothing is recorded after it.
    expect(run.timeline.at(-1)?.type).toBe('run_completed');
  });

  it('refuses to kill a run that already ended', async () => {
    await cli(['run', box.recipe('quick.yaml')], box.env);
    const res = await cli(['kill', await onlyRunId()], box.env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('already ended as succeeded');
  });
});

describe('goose-flow logs', () => {
  it('prints one attempt or all, and follows a live run to its end', async () => {
    const recipe = box.recipe('follow.yaml', { sleep: 1.5, lines: 2, fail_first: 1 });
    const runner = startCli(['run', recipe, '--retries', '1'], box.env);
    await waitFor(() => readPids(box.pidfile).length >= 1, 15_000, 'the first attempt');
    const id = await onlyRunId();
    const followed = await cli(['logs', id, '--follow'], box.env);
    expect((await finished(runner)).code).toBe(0);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('failing with exit code 1 (attempt 1)');
    expect(followed.stdout).toContain('stand-in: done');
    expect(followed.stdout).toContain('==> attempt 2');
    const second = await cli(['logs', id, '--attempt', '2'], box.env);
    expect(second.stdout).not.toContain('attempt 1)');
    expect(second.stdout).toContain('stand-in: done');
    const missing = await cli(['logs', id, '--attempt', '9'], box.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('attempt not found');
  });

  it('reads byte ranges of an attempt, the same as the API', async () => {
    const recipe = box.recipe('range.yaml', { lines: 3 });
    expect((await cli(['run', recipe], box.env)).code).toBe(0);
    const id = await onlyRunId();
    const whole = (await cli(['logs', id, '--attempt', '1'], box.env)).stdout;
    expect(whole.length).toBeGreaterThan(20);
    const head = await cli(['logs', id, '--offset', '0', '--limit', '10'], box.env);
    expect(head.code).toBe(0);
    expect(head.stdout).toBe(whole.slice(0, 10));
    expect(head.stderr).toContain('next --offset 10');
    const rest = await cli(['logs', id, '--offset', '10', '--json'], box.env);
    const chunk = JSON.parse(rest.stdout) as Record<string, unknown>;
    expect(chunk).toEqual({
      attempt: 1,
      offset: 10,
      nextOffset: Buffer.byteLength(whole),
      size: Buffer.byteLength(whole),
      data: whole.slice(10),
      complete: true,
    });
    const bad = await cli(['logs', id, '--offset', '0', '--follow'], box.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('use one or the other');
    const tooBig = await cli(['logs', id, '--offset', '0', '--limit', '2000000'], box.env);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toContain('--limit must be a whole number from 1 to 1048576');
  });
});

describe('bad input', () => {
  const cases: [string, (b: Sandbox) => string[], number, RegExp][] = [
    [
      'missing recipe',
      (b) => ['run', join(b.root, 'nope.yaml')],
      2,
      /cannot read recipe .*nope\.yaml: no such file/,
    ],
    [
      'invalid YAML',
      () => ['run', join(fixtures(), 'quick-note.yaml')],
      2,
      /quick-note\.yaml:17:\d+: error: invalid YAML/,
    ],
    [
      'unknown parameter',
      (b) => ['run', b.recipe('p.yaml'), '--param', 'x=1'],
      2,
      /no parameter `x`/,
    ],
    [
      'param without =',
      (b) => ['run', b.recipe('p.yaml'), '--param', 'x'],
      2,
      /expected KEY=VALUE/,
    ],
    ['not headless', () => ['run', join(fixtures(), 'planner.yaml')], 2, /cannot run headless/],
    [
      'unknown flag',
      (b) => ['run', b.recipe('p.yaml'), '--frobnicate'],
      2,
      /unknown option '--frobnicate'/,
    ],
    [
      'bad timeout',
      (b) => ['run', b.recipe('p.yaml'), '--timeout', '10 minutes'],
      2,
      /invalid --timeout '10 minutes'/,
    ],
    [
      'a timeout beyond the range',
      (b) => ['run', b.recipe('p.yaml'), '--timeout', '400d'],
      2,
      /--timeout '400d' is out of range: allowed 100ms to 365d/,
    ],
    [
      'a grace beyond the range',
      (b) => ['run', b.recipe('p.yaml'), '--grace', '2h'],
      2,
      /--grace '2h' is out of range: allowed 0s to 1h/,
    ],
    [
      'runs --limit 0',
      () => ['runs', '--limit', '0'],
      2,
      /--limit must be a whole number from 1 to 1000/,
    ],
    ['bad status filter', () => ['runs', '--status', 'done'], 2, /allowed: pending, running/],
    ['unknown run', () => ['runs', 'show', 'r-nope'], 1, /run not found: r-nope/],
  ];
  for (const [name, args, code, message] of cases) {
    it(`${name}: exit ${code}, a clear message, nothing stored`, async () => {
      const res = await cli(args(box), box.env);
      expect(res.code, res.stderr).toBe(code);
      expect(res.stderr).toMatch(message);
      expect(res.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
      const runs = await cli(['runs', '--json'], box.env);
      expect(json(runs.stdout)).toEqual([]);
    });
  }

  it('goose not installed: names GOOSE_FLOW_GOOSE_BIN, stores no run', async () => {
    const env: NodeJS.ProcessEnv = { ...box.env, PATH: '/usr/bin:/bin' };
    delete env.GOOSE_FLOW_GOOSE_BIN;
    const res = await cli(['run', box.recipe('p.yaml')], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('goose was not found on PATH');
    expect(res.stderr).toContain('GOOSE_FLOW_GOOSE_BIN');
    expect(json((await cli(['runs', '--json'], box.env)).stdout)).toEqual([]);
  });

  it('unwritable data dir: says which and how to fix it', async () => {
    const { writeFileSync } = await import('node:fs');
    const blocker = join(box.root, 'file-not-dir');
    writeFileSync(blocker, '');
    const res = await cli(['runs'], { ...box.env, GOOSE_FLOW_HOME: join(blocker, 'data') });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/data dir .*file-not-dir\/data cannot be used .*GOOSE_FLOW_HOME/);
  });

  it('a data dir that cannot exist (under /proc) is refused at once, not retried forever', async () => {
    const res = await cli(
      ['runs'],
      { ...box.env, GOOSE_FLOW_HOME: '/proc/goose-flow-nope' },
      {
        timeoutMs: 20_000,
      },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/data dir \/proc\/goose-flow-nope cannot be used .*ENOENT/);
  });

  it('keeps what is stored when a later command fails', async () => {
    await cli(['run', box.recipe('ok.yaml')], box.env);
    await cli(['run', join(box.root, 'missing.yaml')], box.env);
    const runs = json<{ status: string }[]>((await cli(['runs', '--json'], box.env)).stdout);
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    expect(existsSync(join(box.dataDir, 'logs'))).toBe(true);
    expect(
      readdirSync(join(box.dataDir, 'recipes')).filter((d) => !d.startsWith('.')),
    ).toHaveLength(1);
  });
});

function fixtures(): string {
  return join(process.cwd(), '../shared/fixtures/goose-recipes');
}

describe('desktop wrapper recipes', () => {
  it('runs the inner recipe: goose gets the bare form it understands', async () => {
    const record = join(box.root, 'record.jsonl');
    const { writeFileSync } = await import('node:fs');
    const file = join(box.root, 'saved.yaml');
    writeFileSync(
      file,
      [
        'name: saved from the desktop',
        'isGlobal: true',
        'lastModified: 2026-01-01T00:00:00Z',
        'isArchived: false',
        'recipe:',
        '  title: wrapped',
        '  description: saved by Goose desktop',
        '  prompt: say hi',
      ].join('\n') + '\n',
    );
    const res = await cli(['run', file], { ...box.env, STANDIN_RECORD: record });
    expect(res.code, res.stderr).toBe(0);
    const call = json<{ argv: string[] }>(readFileSync(record, 'utf8').trim());
    const snapshot = readFileSync(
      call.argv.find((a) => a.startsWith('--recipe='))!.slice('--recipe='.length),
      'utf8',
    );
    expect(json(snapshot)).toEqual({
      title: 'wrapped',
      description: 'saved by Goose desktop',
      prompt: 'say hi',
    });
  });
});
