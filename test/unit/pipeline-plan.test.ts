import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../src/domain/pipeline/compile.js';
import { parseCondition, test as testCondition } from '../../src/domain/pipeline/expr.js';
import { planPipeline, type Plan, type PlanInput } from '../../src/domain/pipeline/plan.js';
import type {
  CompiledPipeline,
  StepRecipe,
  StepResult,
  StepStatus,
} from '../../src/domain/pipeline/model.js';
import type { Parameter } from '../../src/domain/recipe/model.js';

const param = (key: string, input_type: Parameter['input_type'] = 'string'): Parameter => ({
  key,
  input_type,
  requirement: 'required',
  description: key,
});

function recipe(
  params: Parameter[],
  outputType: StepRecipe['outputType'] = { type: 'string' },
): StepRecipe {
  return {
    file: 'r.yaml',
    kind: 'recipe',
    output: outputType.type === 'string' ? 'text' : 'json',
    outputType,
    subRecipes: [],
    parameters: params,
    pipeline: null,
  };
}

const LIST = recipe([], {
  type: 'object',
  properties: {
    count: { type: 'integer' },
    prs: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
  },
});
const REVIEW = recipe([param('pr', 'number')]);
const SUM = recipe([param('text')]);

function compile(document: unknown, recipes: Record<string, StepRecipe> = {}) {
  return compilePipeline({
    file: '/p/pipe.yaml',
    relFile: 'pipe.yaml',
    document,
    locate: () => ({ line: 1, column: 1 }),
    stepRecipe: (r) =>
      recipes[r] ?? {
        problems: [{ severity: 'error', code: 'step_recipe', message: `no ${r}`, path: '' }],
      },
  });
}

function mustCompile(document: unknown): CompiledPipeline {
  const out = compile(document, { 'list.yaml': LIST, 'review.yaml': REVIEW, 'sum.yaml': SUM });
  expect(out.problems).toEqual([]);
  return out.pipeline!;
}

const FAN = {
  steps: [
    { id: 'list', recipe: 'list.yaml' },
    {
      id: 'review',
      needs: ['list'],
      recipe: 'review.yaml',
      if: '${steps.list.output.count} > 0',
      for_each: '${steps.list.output.prs}',
      max_parallel: 2,
      params: { pr: '${item.n}' },
    },
    {
      id: 'sum',
      needs: ['review'],
      recipe: 'sum.yaml',
      params: { text: '${steps.review.output}' },
    },
  ],
};

function results(entries: [string, StepStatus, unknown?][]): Map<string, StepResult> {
  return new Map(
    entries.map(([key, status, output]) => [key, { key, runId: `p:${key}`, status, output }]),
  );
}

function plan(
  p: CompiledPipeline,
  r: Map<string, StepResult>,
  stopping: null | 'cancelled' = null,
): Plan {
  return planPipeline({ pipeline: p, params: {}, results: r, stopping });
}

describe('pipeline planner', () => {
  const p = mustCompile(FAN);

  it('starts the first step, then fans out at most max_parallel items with typed params', () => {
    expect(plan(p, results([])).start.map((s) => s.key)).toEqual(['list']);
    const out = { count: 3, prs: [{ n: 1 }, { n: 2 }, { n: 3 }] };
    const next = plan(p, results([['list', 'succeeded', out]]));
    expect(next.start.map((s) => [s.key, s.params])).toEqual([
      ['review.0', { pr: '1' }],
      ['review.1', { pr: '2' }],
    ]);
    const later = plan(
      p,
      results([
        ['list', 'succeeded', out],
        ['review.0', 'succeeded', 'ok 1'],
        ['review.1', 'running'],
      ]),
    );
    expect(later.start.map((s) => s.key)).toEqual(['review.2']);
    expect(later.outcome).toBeNull();
  });

  it('fans in: the next step gets every item output in order, then the pipeline succeeds', () => {
    const out = { count: 2, prs: [{ n: 1 }, { n: 2 }] };
    const base: [string, StepStatus, unknown?][] = [
      ['list', 'succeeded', out],
      ['review.0', 'succeeded', 'a'],
      ['review.1', 'succeeded', 'b'],
    ];
    const next = plan(p, results(base));
    expect(next.start.map((s) => [s.key, s.params])).toEqual([['sum', { text: '["a","b"]' }]]);
    const done = plan(p, results([...base, ['sum', 'succeeded', 'all good']]));
    expect(done.outcome).toEqual({ status: 'succeeded', error: null });
    expect(done.output).toMatchObject({ sum: 'all good', review: ['a', 'b'] });
  });

  it('skips a step whose condition is false, and runs what needs it', () => {
    const next = plan(p, results([['list', 'succeeded', { count: 0, prs: [] }]]));
    expect(next.steps.find((s) => s.id === 'review')).toMatchObject({ status: 'skipped' });
    expect(next.start.map((s) => s.key)).toEqual(['sum']);
  });

  it('stops on a failure: nothing new starts, the rest is skipped, the pipeline fails', () => {
    const out = { count: 3, prs: [{ n: 1 }, { n: 2 }, { n: 3 }] };
    const r = plan(
      p,
      results([
        ['list', 'succeeded', out],
        ['review.0', 'failed'],
        ['review.1', 'succeeded', 'b'],
      ]),
    );
    expect(r.start).toEqual([]);
    expect(r.steps.map((s) => [s.id, s.status])).toEqual([
      ['list', 'succeeded'],
      ['review', 'failed'],
      ['sum', 'skipped'],
    ]);
    expect(r.outcome?.status).toBe('failed');
    expect(r.outcome?.error).toMatch(/review failed/);
  });

  it('a failed item param value fails that item without a run', () => {
    const r = plan(p, results([['list', 'succeeded', { count: 1, prs: [{ n: 'abc' }] }]]));
    expect(r.start).toEqual([]);
    expect(r.steps[1]!.instances[0]).toMatchObject({ status: 'failed', runId: null });
    expect(r.outcome?.status).toBe('failed');
  });

  it('runs the failure handler and the exit hook, once each, in order', () => {
    const q = mustCompile({
      steps: [{ id: 'sum', recipe: 'sum.yaml', params: { text: 'x' }, on_failure: 'fix' }],
      handlers: [
        { id: 'fix', recipe: 'sum.yaml', params: { text: '${steps.sum.status}' } },
        { id: 'bye', recipe: 'sum.yaml', params: { text: 'bye' } },
      ],
      on_failure: 'fix',
      on_exit: 'bye',
    });
    const a = planPipeline({
      pipeline: q,
      params: {},
      results: results([['sum', 'failed']]),
      stopping: null,
    });
    expect(a.start.map((s) => [s.key, s.params])).toEqual([['fix', { text: 'failed' }]]);
    const b = planPipeline({
      pipeline: q,
      params: {},
      results: results([
        ['sum', 'failed'],
        ['fix', 'succeeded', ''],
      ]),
      stopping: null,
    });
    expect(b.start.map((s) => s.key)).toEqual(['bye']);
    expect(b.outcome).toBeNull();
    const c = planPipeline({
      pipeline: q,
      params: {},
      results: results([
        ['sum', 'failed'],
        ['fix', 'succeeded', ''],
        ['bye', 'succeeded', ''],
      ]),
      stopping: null,
    });
    expect(c.outcome?.status).toBe('failed');
  });

  it('on cancel starts nothing new and ends cancelled once the running steps ended', () => {
    const running = plan(p, results([['list', 'running']]), 'cancelled');
    expect(running.start).toEqual([]);
    expect(running.outcome).toBeNull();
    const ended = plan(p, results([['list', 'cancelled']]), 'cancelled');
    expect(ended.outcome?.status).toBe('cancelled');
  });
});

describe('pipeline validation', () => {
  const codes = (doc: unknown) =>
    compile(doc, { 'list.yaml': LIST, 'review.yaml': REVIEW, 'sum.yaml': SUM }).problems.map(
      (p) => `${p.code}@${p.path}: ${p.message}`,
    );

  it('names unknown needs, cycles and duplicate ids', () => {
    expect(
      codes({ steps: [{ id: 'a', recipe: 'sum.yaml', params: { text: 'x' }, needs: ['zz'] }] })[0],
    ).toMatch(/step_unknown@steps\[0\]\.needs: step `a` needs `zz`/);
    const cyc = codes({
      steps: [
        { id: 'a', recipe: 'sum.yaml', params: { text: 'x' }, needs: ['b'] },
        { id: 'b', recipe: 'sum.yaml', params: { text: 'x' }, needs: ['a'] },
      ],
    });
    expect(cyc[0]).toMatch(/step_cycle.*a → b → a|step_cycle.*b → a → b/);
    expect(
      codes({
        steps: [
          { id: 'a', recipe: 'sum.yaml', params: { text: 'x' } },
          { id: 'a', recipe: 'sum.yaml', params: { text: 'x' } },
        ],
      })[0],
    ).toMatch(/step_duplicate/);
  });

  it('refuses hand-overs of the wrong type, unknown fields and steps not needed', () => {
    const bad = codes({
      steps: [
        { id: 'list', recipe: 'list.yaml' },
        {
          id: 'r1',
          needs: ['list'],
          recipe: 'review.yaml',
          params: { pr: '${steps.list.output.prs}' },
        },
        {
          id: 'r2',
          needs: ['list'],
          recipe: 'review.yaml',
          params: { pr: '${steps.list.output.nope}' },
        },
        { id: 'r3', recipe: 'review.yaml', params: { pr: '${steps.list.output.count}' } },
        { id: 'r4', recipe: 'review.yaml', params: { pr: 1, extra: 2 } },
        { id: 'r5', recipe: 'review.yaml' },
      ],
    });
    expect(bad.join('\n')).toMatch(
      /handover_type@steps\[1\]\.params\.pr: .*\(number\) is given a list/,
    );
    expect(bad.join('\n')).toMatch(
      /reference_invalid@steps\[2\]\.params\.pr: .*has no field `nope` \(its schema declares: count, prs\)/,
    );
    expect(bad.join('\n')).toMatch(
      /reference_invalid@steps\[3\]\.params\.pr: .*does not need `list`/,
    );
    expect(bad.join('\n')).toMatch(/step_param_unknown@steps\[4\]\.params\.extra/);
    expect(bad.join('\n')).toMatch(
      /step_param_missing@steps\[5\]\.params: .*requires parameter `pr`/,
    );
  });

  it('refuses `item` in the `if` of a fan-out step (decided once for the whole step)', () => {
    const bad = codes({
      steps: [
        { id: 'list', recipe: 'list.yaml' },
        {
          id: 'review',
          needs: ['list'],
          recipe: 'review.yaml',
          for_each: '${steps.list.output.prs}',
          if: '${item.n} > 1',
          params: { pr: '${item.n}' },
        },
      ],
    });
    expect(bad.join('\n')).toMatch(
      /reference_invalid@steps\[1\]\.if: \$\{item\.n\}: `if` decides the whole step once/,
    );
  });

  it('refuses an unknown field, a bad expression and an unknown handler', () => {
    const bad = codes({
      steps: [
        {
          id: 'a',
          recipe: 'sum.yaml',
          params: { text: '${bogus.x}' },
          need: ['b'],
          on_failure: 'nobody',
        },
      ],
    });
    expect(bad.join('\n')).toMatch(/unrecognized key|need/);
    const bad2 = codes({
      steps: [
        { id: 'a', recipe: 'sum.yaml', params: { text: '${bogus.x}' }, on_failure: 'nobody' },
      ],
    });
    expect(bad2.join('\n')).toMatch(
      /expression_invalid@steps\[0\]\.params\.text: .*unknown root `bogus`/,
    );
    expect(bad2.join('\n')).toMatch(/step_unknown@steps\[0\]\.on_failure: no handler `nobody`/);
  });
});

describe('hostile pipeline documents', () => {
  // A small seeded generator: the same documents every run, so a failure can be replayed.
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const pieces: unknown[] = [
    null,
    1,
    'x',
    '${',
    '${}',
    '${steps..output}',
    '${params.}',
    '$${x}',
    '${item.a.b}',
    '${index}',
    [],
    {},
    ['a'],
    true,
    '== ==',
    'not',
    '${steps.a.status} == ',
    '"a" == "b"',
    '${' + 'x'.repeat(5_000) + '}',
    '\u0000',
    '${params.x} >= 3',
    '${steps.a.output}',
  ];
  const pick = () => pieces[rnd(pieces.length)];
  const step = (_: unknown, i: number): unknown => {
    if (rnd(10) === 0) return pick();
    const s: Record<string, unknown> = {
      id: rnd(10) ? ['a', 'b', 'c', 'd'][i] : 'A!',
      recipe: 'sum.yaml',
      params: { text: 'x' },
      ...(i > 0 && rnd(2) ? { needs: [['a', 'b', 'c'][rnd(i)]] } : {}),
      ...(rnd(3) ? {} : { on_failure: 'continue' }),
    };
    for (const k of [
      'needs',
      'params',
      'if',
      'for_each',
      'max_parallel',
      'retries',
      'timeout',
      'on_failure',
    ])
      if (rnd(2))
        s[k] =
          k === 'params'
            ? { text: pick() }
            : k === 'needs'
              ? [['a'], ['b'], 'c', pick()][rnd(4)]
              : pick();
    return s;
  };

  it('never throws: every document gets problems or a pipeline, and the planner ends', () => {
    let compiled = 0;
    for (let i = 0; i < 3_000; i++) {
      const doc = {
        steps: Array.from({ length: 1 + rnd(4) }, step),
        handlers: rnd(3) ? undefined : [{ id: 'h', recipe: 'sum.yaml', params: { text: pick() } }],
        on_exit: rnd(3) ? undefined : 'h',
      };
      const out = compile(rnd(20) ? doc : pick(), { 'sum.yaml': SUM });
      expect(out.pipeline || out.problems.length > 0).toBeTruthy();
      if (!out.pipeline) continue;
      compiled++;
      // Whatever the steps did, planning answers, and with every step settled it ends.
      const statuses: StepStatus[] = ['succeeded', 'failed', 'cancelled', 'skipped'];
      const r = new Map<string, StepResult>();
      for (let round = 0; round < 50; round++) {
        const p = planPipeline({ pipeline: out.pipeline, params: {}, results: r, stopping: null });
        if (p.outcome) break;
        expect(p.start.length).toBeGreaterThan(0);
        for (const s of p.start)
          r.set(s.key, {
            key: s.key,
            runId: s.key,
            status: statuses[rnd(statuses.length)]!,
            output: 'o',
          });
      }
      expect(
        planPipeline({ pipeline: out.pipeline, params: {}, results: r, stopping: null }).outcome,
      ).not.toBeNull();
    }
    expect(compiled).toBeGreaterThan(300);
  });
});

describe('pipeline planner: handlers, hooks and edge cases', () => {
  const NONE = recipe([]);
  const PICK = recipe([{ ...param('level', 'select'), options: ['low', 'high'] } as Parameter]);
  const RECIPES = {
    'list.yaml': LIST,
    'review.yaml': REVIEW,
    'sum.yaml': SUM,
    'none.yaml': NONE,
    'pick.yaml': PICK,
  };
  const must = (doc: unknown) => {
    const out = compile(doc, RECIPES);
    expect(out.problems).toEqual([]);
    return out.pipeline!;
  };
  const planOf = (
    p: CompiledPipeline,
    r: Map<string, StepResult>,
    stopping: PlanInput['stopping'] = null,
  ) => planPipeline({ pipeline: p, params: {}, results: r, stopping });

  it('a handler with a false `if` does not run; the pipeline ends as its steps did', () => {
    const q = must({
      steps: [{ id: 'lint', recipe: 'none.yaml', on_failure: 'continue' }],
      handlers: [{ id: 'report', recipe: 'none.yaml', if: '${steps.lint.status} == "failed"' }],
      on_exit: 'report',
    });
    const ok = planOf(q, results([['lint', 'succeeded', 'clean']]));
    expect(ok.start).toEqual([]);
    expect(ok.steps.find((s) => s.id === 'report')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/condition is false/),
    });
    expect(ok.outcome).toEqual({ status: 'succeeded', error: null });
    const bad = planOf(q, results([['lint', 'failed']]));
    expect(bad.start.map((s) => s.key)).toEqual(['report']);
  });

  it('resume runs the handlers again: a carried handler run belongs to the earlier run', () => {
    const q = must({
      steps: [{ id: 'deploy', recipe: 'none.yaml', on_failure: 'rollback' }],
      handlers: [
        { id: 'rollback', recipe: 'none.yaml' },
        { id: 'notify', recipe: 'none.yaml' },
      ],
      on_exit: 'notify',
    });
    // The earlier run failed at deploy; its rollback and notify succeeded and were carried over.
    const carried = (key: string): [string, StepResult] => [
      key,
      { key, runId: `old:${key}`, status: 'succeeded', output: '', carriedFrom: 'old' },
    ];
    const again = new Map([
      carried('rollback'),
      carried('notify'),
      ['deploy', { key: 'deploy', runId: 'new:deploy', status: 'failed' }],
    ]);
    const r = planOf(q, again);
    expect(r.start.map((s) => s.key)).toEqual(['rollback']);
    expect(r.outcome).toBeNull();
  });

  it('`for_each` over the output of a step its condition skipped has no items', () => {
    const q = must({
      steps: [
        { id: 'list', recipe: 'list.yaml', if: false },
        {
          id: 'review',
          needs: ['list'],
          recipe: 'review.yaml',
          for_each: '${steps.list.output.prs}',
          params: { pr: '${item.n}' },
        },
      ],
    });
    const r = planOf(q, results([]));
    expect(r.steps.map((s) => [s.id, s.status, s.output])).toEqual([
      ['list', 'skipped', null],
      ['review', 'succeeded', []],
    ]);
    expect(r.steps[0]!.reason).toMatch(/condition is false/);
    expect(r.outcome).toEqual({ status: 'succeeded', error: null });
  });

  it('on_exit runs even when another due handler could not start', () => {
    const q = must({
      steps: [{ id: 'a', recipe: 'none.yaml', on_failure: 'fix' }],
      handlers: [
        { id: 'bye', recipe: 'none.yaml' },
        // `failed` is not among pick.yaml's options: this handler fails without a run.
        { id: 'fix', recipe: 'pick.yaml', params: { level: '${steps.a.status}' } },
      ],
      on_exit: 'bye',
    });
    const r = planOf(q, results([['a', 'failed']]));
    expect(r.steps.find((s) => s.id === 'fix')).toMatchObject({ status: 'failed' });
    expect(r.start.map((s) => s.key)).toEqual(['bye']);
    expect(r.outcome).toBeNull();
  });

  it("a hook's failure does not change how the pipeline ended; a handler named twice runs once", () => {
    const q = must({
      steps: [{ id: 'a', recipe: 'none.yaml', on_failure: 'tell' }],
      handlers: [{ id: 'tell', recipe: 'none.yaml' }],
      on_success: 'tell',
      on_failure: 'tell',
    });
    const ok = planOf(
      q,
      results([
        ['a', 'succeeded', 'x'],
        ['tell', 'failed'],
      ]),
    );
    expect(ok.outcome).toEqual({ status: 'succeeded', error: null });
    const failed = planOf(q, results([['a', 'failed']]));
    expect(failed.start.map((s) => s.key)).toEqual(['tell']);
    const after = planOf(
      q,
      results([
        ['a', 'failed'],
        ['tell', 'succeeded', ''],
      ]),
    );
    expect(after.start).toEqual([]);
    expect(after.outcome?.status).toBe('failed');
  });

  it('a condition on a field of a step that failed with continue reads null', () => {
    const q = must({
      steps: [
        { id: 'list', recipe: 'list.yaml', on_failure: 'continue' },
        { id: 'some', needs: ['list'], recipe: 'none.yaml', if: '${steps.list.output.count} > 0' },
        {
          id: 'none',
          needs: ['list'],
          recipe: 'none.yaml',
          if: '${steps.list.output.count} == null',
        },
      ],
    });
    const r = planOf(q, results([['list', 'failed']]));
    expect(r.steps.map((s) => [s.id, s.status])).toEqual([
      ['list', 'failed'],
      ['some', 'skipped'],
      ['none', 'running'],
    ]);
    expect(r.start.map((s) => s.key)).toEqual(['none']);
  });

  it('a handler named by a failed handler runs', () => {
    const q = must({
      steps: [{ id: 'deploy', recipe: 'none.yaml', on_failure: 'rollback' }],
      handlers: [
        { id: 'page', recipe: 'none.yaml' },
        { id: 'rollback', recipe: 'none.yaml', on_failure: 'page' },
      ],
    });
    const r = planOf(
      q,
      results([
        ['deploy', 'failed'],
        ['rollback', 'failed'],
      ]),
    );
    expect(r.start.map((s) => s.key)).toEqual(['page']);
    expect(r.outcome).toBeNull();
  });
});

describe('pipeline planner: fan-out at scale, resume and continue', () => {
  const FANOUT = (extra: Record<string, unknown> = {}) => ({
    steps: [
      { id: 'list', recipe: 'list.yaml' },
      {
        id: 'review',
        needs: ['list'],
        recipe: 'review.yaml',
        for_each: '${steps.list.output.prs}',
        max_parallel: 100,
        params: { pr: '${item.n}' },
        ...extra,
      },
      {
        id: 'sum',
        needs: ['review'],
        recipe: 'sum.yaml',
        params: { text: '${steps.review.output}' },
      },
    ],
  });
  const prs = (n: number) => ({ count: n, prs: Array.from({ length: n }, (_, i) => ({ n: i })) });

  it('plans 1,000 fan-out items in well under 50 ms', () => {
    const q = mustCompile(FANOUT());
    const r = results([['list', 'succeeded', prs(1_000)]]);
    for (let i = 0; i < 1_000; i++)
      r.set(`review.${i}`, {
        key: `review.${i}`,
        runId: `p:review.${i}`,
        status: i < 950 ? 'succeeded' : 'running',
        output: `ok ${i}`,
      });
    plan(q, r);
    const started = performance.now();
    for (let i = 0; i < 10; i++) plan(q, r);
    expect((performance.now() - started) / 10).toBeLessThan(50);
  });

  it('a resumed fan-out runs only the items that did not succeed, and hands over every output', () => {
    const q = mustCompile(FANOUT());
    const carried = (key: string, output: unknown): [string, StepResult] => [
      key,
      { key, runId: `old:${key}`, status: 'succeeded', output, carriedFrom: 'old' },
    ];
    const r = new Map([
      carried('list', prs(3)),
      carried('review.0', 'a'),
      carried('review.2', 'c'),
    ]);
    expect(plan(q, r).start.map((s) => [s.key, s.params])).toEqual([['review.1', { pr: '1' }]]);
    r.set('review.1', { key: 'review.1', runId: 'new:review.1', status: 'succeeded', output: 'b' });
    expect(plan(q, r).start.map((s) => [s.key, s.params])).toEqual([
      ['sum', { text: '["a","b","c"]' }],
    ]);
  });

  it('a fan-out with on_failure continue runs every item; failed, its output is null', () => {
    const q = mustCompile(FANOUT({ on_failure: 'continue', max_parallel: 1 }));
    const r = results([
      ['list', 'succeeded', prs(3)],
      ['review.0', 'failed'],
    ]);
    expect(plan(q, r).start.map((s) => s.key)).toEqual(['review.1']);
    r.set('review.1', { key: 'review.1', runId: 'p:review.1', status: 'succeeded', output: 'b' });
    r.set('review.2', { key: 'review.2', runId: 'p:review.2', status: 'succeeded', output: 'c' });
    const end = plan(q, r);
    expect(end.steps[1]).toMatchObject({ status: 'failed', output: null });
    expect(end.start.map((s) => [s.key, s.params])).toEqual([['sum', { text: '' }]]);
  });
});

describe('pipeline conditions', () => {
  it('an operator inside a quoted literal is text, not the comparison', () => {
    const c = parseCondition('"a<b" == ${steps.x.output}');
    expect(c.op).toBe('==');
    expect(c.left).toEqual({ kind: 'literal', value: 'a<b' });
    const scope = { params: {}, steps: new Map([['x', { status: 'succeeded', output: 'a<b' }]]) };
    expect(testCondition(c, scope)).toBe(true);
    expect(parseCondition("'x >= y' != ${params.p}").op).toBe('!=');
  });
});
