import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/domain/errors.js';
import type { Parameter } from '../../src/domain/recipe/model.js';
import {
  bindParams,
  parseParamArg,
  parseParamArgs,
  valueProblem,
} from '../../src/domain/recipe/params.js';

const param = (p: Partial<Parameter> & { key: string }): Parameter => ({
  input_type: 'string',
  requirement: 'required',
  description: p.key,
  ...p,
});

describe('parseParamArg', () => {
  it('splits at the first `=`, so values may contain `=`', () => {
    expect(parseParamArg('query=a=b')).toEqual({ key: 'query', value: 'a=b' });
    expect(parseParamArg('empty=')).toEqual({ key: 'empty', value: '' });
  });

  it('refuses a missing `=` or an empty key, naming the argument', () => {
    expect(() => parseParamArg('repo')).toThrow(UsageError);
    expect(() => parseParamArg('repo')).toThrow(
      '--param "repo": expected KEY=VALUE (no "=" found)',
    );
    expect(() => parseParamArg('=x')).toThrow(
      '--param "=x": expected KEY=VALUE (the key is empty)',
    );
  });

  it('keeps the last value of a repeated key, as goose does', () => {
    expect(parseParamArgs(['a=1', 'b=2', 'a=3'])).toEqual({ a: '3', b: '2' });
  });
});

describe('valueProblem', () => {
  it.each([
    ['number', '42', true],
    ['number', '-1.5e3', true],
    ['number', 'abc', false],
    ['number', '', false],
    ['number', 'Infinity', false],
    ['boolean', 'true', true],
    ['boolean', 'yes', false],
    ['date', '2024-02-29', true],
    ['date', '2024-02-30', false],
    ['date', '2024-06-01T09:30:00Z', true],
    ['date', '06/01/2024', false],
    ['file', './notes.md', true],
    ['file', '  ', false],
  ] as const)('%s %j → valid %s', (input_type, value, ok) => {
    expect(valueProblem(param({ key: 'p', input_type }), value) === undefined).toBe(ok);
  });

  it('lists the options of a select', () => {
    const p = param({ key: 'size', input_type: 'select', options: ['s', 'm'] });
    expect(valueProblem(p, 'm')).toBeUndefined();
    expect(valueProblem(p, 'xl')).toBe('"xl" is not one of the options: s, m');
  });
});

describe('bindParams', () => {
  const params = [
    param({ key: 'repo' }),
    param({ key: 'depth', input_type: 'number', requirement: 'optional', default: '3' }),
    param({ key: 'task', requirement: 'user_prompt' }),
  ];

  it('applies defaults and reports required and user_prompt values that are missing', () => {
    const bound = bindParams(params, {});
    expect(bound.values).toEqual({ depth: '3' });
    expect(bound.missing.map((p) => p.key)).toEqual(['repo', 'task']);
    expect(bound.findings).toEqual([]);
  });

  it('binds supplied values over defaults', () => {
    const bound = bindParams(params, { repo: '.', depth: '5', task: 'go' });
    expect(bound.values).toEqual({ repo: '.', depth: '5', task: 'go' });
    expect(bound.missing).toEqual([]);
  });

  it('refuses an unknown key and lists the declared ones', () => {
    const [finding] = bindParams(params, { rpeo: '.' }).findings;
    expect(finding).toMatchObject({ code: 'value_unknown_key', at: ['params', 'rpeo'] });
    expect(finding?.message).toContain('declared parameters: repo, depth, task');
    expect(finding?.allowed).toEqual(['repo', 'depth', 'task']);
  });

  it('refuses an ill-typed value and does not bind it', () => {
    const bound = bindParams(params, { repo: '.', depth: 'deep' });
    expect(bound.findings[0]).toMatchObject({ code: 'value_invalid', at: ['params', 'depth'] });
    expect(bound.findings[0]?.message).toContain('expected a number, got "deep"');
    expect(bound.values.depth).toBeUndefined();
  });
});
