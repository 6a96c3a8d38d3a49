/** The dashboard's pipeline graph arithmetic: a step run's pipeline runs, columns, a step's facts. */
import { describe, expect, it } from 'vitest';
import {
  columnsOf,
  factsOf,
  pipelineRunsOf,
  type StepShape,
} from '../../web/src/pipeline-layout.js';

type Instance = StepShape['instances'][number] & { key: string };
type Step = Omit<StepShape, 'instances'> & { instances: Instance[] };

const instance = (key: string, more: Partial<Instance> = {}): Instance => ({
  key,
  item: null,
  status: 'succeeded',
  startedAt: null,
  endedAt: null,
  ...more,
});
const step = (id: string, needs: string[] = [], more: Partial<Step> = {}): Step => ({
  id,
  status: 'succeeded',
  needs,
  items: null,
  instances: [],
  ...more,
});

describe('pipelineRunsOf', () => {
  it("finds a step run's pipeline runs, nearest first, and none for other runs", () => {
    expect(pipelineRunsOf('r-20261130-035901-e8b9b773d4:review.1')).toEqual([
      'r-20261130-035901-e8b9b773d4',
    ]);
    expect(pipelineRunsOf('nightly@2026-11-27T03:00:00.000Z:sub:collect')).toEqual([
      'nightly@2026-11-27T03:00:00.000Z:sub',
      'nightly@2026-11-27T03:00:00.000Z',
    ]);
    expect(pipelineRunsOf('nightly@2026-11-27T03:00:00.000Z')).toEqual([]);
    expect(pipelineRunsOf('r-20261130-035901-e8b9b773d4')).toEqual([]);
    expect(pipelineRunsOf('a:b@2026-11-27T03:00:00.000Z')).toEqual([]);
  });
});

describe('columnsOf', () => {
  it('puts a step one column right of the deepest step it needs, in file order', () => {
    const cols = columnsOf([
      step('collect'),
      step('lint'),
      step('review', ['collect']),
      step('notes', ['collect', 'review']),
      step('post', ['lint']),
    ]);
    expect(cols.map((c) => c.map((s) => s.id))).toEqual([
      ['collect', 'lint'],
      ['review', 'post'],
      ['notes'],
    ]);
  });
});

describe('factsOf', () => {
  it("counts a fan-out's items and spans its instances; a running step counts up to now", () => {
    const t = (s: number) => new Date(Date.UTC(2026, 10, 30, 4, 0, s)).toISOString();
    const fan = step('review', [], {
      status: 'running',
      items: 3,
      instances: [
        instance('review.0', { item: 0, startedAt: t(0), endedAt: t(4) }),
        instance('review.1', { item: 1, status: 'running', startedAt: t(1) }),
      ],
    });
    expect(factsOf(fan, Date.parse(t(10)))).toEqual({ progress: '1/3', durationMs: 10_000 });
    const one = step('list', [], {
      instances: [instance('list', { startedAt: t(0), endedAt: t(2) })],
    });
    expect(factsOf(one, Date.parse(t(10)))).toEqual({ progress: null, durationMs: 2_000 });
    expect(factsOf(step('later', [], { status: 'waiting' }), 0)).toEqual({
      progress: null,
      durationMs: null,
    });
  });
});
