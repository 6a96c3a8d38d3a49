import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { extractOutput } from '../../src/adapters/goose/step-output.js';
import { sandbox, standinPath, type Sandbox } from '../support/harness.js';

// The stand-in prints a step's output as goose does; what extractOutput reads back from it is
// what the pipeline tests will see, so both sides are checked together here.
const SCHEMA = 'response:\n  json_schema:\n    type: object\n';

let box: Sandbox;
beforeEach(() => {
  box = sandbox({ cli: false });
});
afterEach(() => box.cleanup());

function runStandin(recipe: string, env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    [standinPath, 'run', '--recipe', recipe, '--params', 'x=1', '--params=y=two'],
    { env: { ...box.env, STANDIN_LINES: '2', ...env }, encoding: 'utf8', timeout: 10_000 },
  );
  return { code: result.status, stdout: result.stdout };
}

describe('goose stand-in outputs', () => {
  it('prints a json_schema recipe’s output as one compact JSON line, last', () => {
    const recipe = box.recipe(
      'json.yaml',
      {},
      `${SCHEMA}# goose-standin-output: {"item": "{{ x }}", "other": "{{y}}", "n": [1, 2]}\n`,
    );
    const { code, stdout } = runStandin(recipe);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('{"item":"1","other":"two","n":[1,2]}');
    expect(lines).toContain('▸ final_output recipe');
    expect(extractOutput(stdout, 'json')).toEqual({
      ok: true,
      value: { item: '1', other: 'two', n: [1, 2] },
    });
  });

  it('prints the final text after a tool call when the recipe has no json_schema', () => {
    const recipe = box.recipe('text.yaml');
    const { code, stdout } = runStandin(recipe, {
      STANDIN_OUTPUT: 'Summary for {{x}}\\n\\n- {{ y }} and {{ unknown }}',
    });
    expect(code).toBe(0);
    expect(extractOutput(stdout, 'text')).toEqual({
      ok: true,
      value: 'Summary for 1\n\n- two and {{ unknown }}',
    });
  });

  it('prints a broken structured output as configured', () => {
    const recipe = box.recipe('broken.yaml', {}, SCHEMA);
    const { stdout } = runStandin(recipe, { STANDIN_OUTPUT: '{"cut": [' });
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('{"cut": [');
    expect(extractOutput(stdout, 'json').ok).toBe(false);
  });

  it('prints no output when the run fails', () => {
    const recipe = box.recipe('fails.yaml', { exit: 3 }, `${SCHEMA}# goose-standin-output: {}\n`);
    const { code, stdout } = runStandin(recipe);
    expect(code).toBe(3);
    expect(stdout).not.toContain('final_output');
    expect(extractOutput(stdout, 'json').ok).toBe(false);
  });
});
