import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSourceFile } from '../../src/adapters/recipe/pipeline-file.js';
import { writeSnapshot } from '../../src/adapters/recipe/snapshot.js';
import { formatProblems } from '../../src/domain/recipe/recipe-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-pipeline-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const RECIPE = (params: string[] = [], extra = '') =>
  [
    'version: "1.0.0"',
    'title: t',
    'description: d',
    `prompt: do ${params.map((p) => `{{ ${p} }}`).join(' ') || 'it'}`,
    ...(params.length
      ? [
          'parameters:',
          ...params.flatMap((p) => [
            `  - key: ${p}`,
            `    input_type: ${p === 'n' ? 'number' : 'string'}`,
            '    requirement: required',
            `    description: ${p}`,
          ]),
        ]
      : []),
    extra,
  ].join('\n');

function write(name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function problems(file: string): string {
  const loaded = loadSourceFile(file);
  return formatProblems(file, loaded.check.problems);
}

describe('pipeline files', () => {
  it('places every problem at its file, line and column', () => {
    write('a.yaml', RECIPE(['n']));
    write(
      'broken.yaml',
      'version: "1.0.0"\ntitle: t\ndescription: d\nprompt: x\nparameters: nope\n',
    );
    const file = write(
      'p.yaml',
      [
        'steps:',
        '  - id: one',
        '    recipe: a.yaml',
        '    params:',
        '      n: "${steps.two.output}"',
        '  - id: two',
        '    recipe: broken.yaml',
        '    needs: [one]',
      ].join('\n'),
    );
    const text = problems(file);
    expect(text).toMatch(/broken\.yaml:5:\d+: error: .*parameters/);
    expect(text).toMatch(/p\.yaml:7:13: error: step `two`: recipe broken\.yaml cannot be used/);
  });

  it('refuses a type mismatch in a hand-over, at the param', () => {
    write(
      'list.yaml',
      RECIPE(
        [],
        'response:\n  json_schema: {"type": "object", "properties": {"name": {"type": "string"}}}',
      ),
    );
    write('use.yaml', RECIPE(['n']));
    const file = write(
      'p.yaml',
      'steps:\n  - id: list\n    recipe: list.yaml\n  - id: use\n    needs: [list]\n    recipe: use.yaml\n    params:\n      n: ${steps.list.output.name}\n',
    );
    expect(problems(file)).toMatch(
      /p\.yaml:8:10: error: step `use`: parameter `n` \(number\) is given a string; it needs a number/,
    );
  });

  it('refuses a step recipe outside the folder and a pipeline that calls itself', () => {
    const outside = join(tmpdir(), `goose-flow-outside-${process.pid}.yaml`);
    writeFileSync(outside, RECIPE());
    try {
      const file = write('p.yaml', `steps:\n  - id: a\n    recipe: ${outside}\n`);
      expect(problems(file)).toMatch(/outside the pipeline's folder/);
    } finally {
      rmSync(outside, { force: true });
    }
    const self = write('self.yaml', 'steps:\n  - id: again\n    recipe: self.yaml\n');
    expect(problems(self)).toMatch(/calls itself \(self\.yaml → self\.yaml\)/);
  });

  it('a file whose name starts with two dots is inside the folder', () => {
    write('..draft.yaml', RECIPE());
    const file = write('p.yaml', 'steps:\n  - id: a\n    recipe: ..draft.yaml\n');
    const loaded = loadSourceFile(file);
    expect(loaded.check.problems).toEqual([]);
    expect(loaded.pipeline?.files).toEqual(['..draft.yaml', 'p.yaml']);
    // …and its snapshot carries it.
    const snap = writeSnapshot(join(dir, 'snapshots'), {
      file,
      text: loaded.text,
      subRecipePaths: ['..draft.yaml'],
    });
    expect(snap.notCopied).toEqual([]);
    expect(existsSync(join(snap.entry, '..', '..draft.yaml'))).toBe(true);
  });

  it('compiles a pipeline that runs another pipeline, and lists every file it runs', () => {
    write('r/a.yaml', RECIPE());
    write('inner.yaml', 'steps:\n  - id: a\n    recipe: r/a.yaml\n');
    const file = write(
      'outer.yaml',
      'steps:\n  - id: in\n    recipe: inner.yaml\n  - id: b\n    recipe: r/a.yaml\n',
    );
    const loaded = loadSourceFile(file);
    expect(loaded.check.problems).toEqual([]);
    expect(loaded.pipeline?.files).toEqual(['inner.yaml', 'outer.yaml', 'r/a.yaml']);
    const inner = loaded.pipeline?.compiled?.steps[0]?.recipe;
    expect(inner?.kind).toBe('pipeline');
    expect(inner?.pipeline?.steps[0]?.recipe.file).toBe('r/a.yaml');
  });

  it('a required pipeline parameter without a value keeps it from running headless', () => {
    write('a.yaml', RECIPE(['x']));
    const file = write(
      'p.yaml',
      'parameters:\n  - key: x\n    input_type: string\n    requirement: required\n    description: x\nsteps:\n  - id: a\n    recipe: a.yaml\n    params: { x: "${params.x}" }\n',
    );
    const loaded = loadSourceFile(file);
    expect(loaded.check.headless.ok).toBe(false);
    expect(loaded.check.headless.reasons.join()).toMatch(/parameter `x`/);
    expect(loadSourceFile(file, { params: { x: 'v' } }).check.headless.ok).toBe(true);
  });
});
