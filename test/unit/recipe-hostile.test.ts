/**
 * Hostile recipe files: each is a clear finding (or a refusal naming the file), in bounded time
 * and memory — never a hang, a crash of the process, or a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecipeFile, MAX_RECIPE_BYTES } from '../../src/adapters/recipe/recipe-file.js';
import { WorkerChecker } from '../../src/adapters/recipe/recipe-checker.js';

let dir: string;
const HEAD = 'version: 1.0.0\ntitle: t\ndescription: d\nprompt: p\n';
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const problems = (path: string) => loadRecipeFile(path).check.problems;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('what is read', () => {
  it('a FIFO named like a recipe is refused at once (it used to block until someone wrote)', () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(() => loadRecipeFile(fifo)).toThrow(/a named pipe \(FIFO\), not a regular file/);
  });

  it('a link to /dev/zero is refused (it used to be read without end)', () => {
    const link = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', link);
    expect(() => loadRecipeFile(link)).toThrow(/a device, not a regular file/);
  });

  it(`a file over ${MAX_RECIPE_BYTES / 1024} KiB is refused with the limit`, () => {
    const big = file('big.yaml', HEAD + `instructions: "${'x'.repeat(MAX_RECIPE_BYTES)}"\n`);
    expect(() => loadRecipeFile(big)).toThrow(/larger than 128 KiB .* at most 128 KiB/);
  });
});

describe('what is parsed', () => {
  it('JSON nested 60,000 deep is a finding at its line and column (it aborted the process)', () => {
    const deep = file(
      'deep.json',
      '{"title":"t","x":' + '['.repeat(60_000) + ']'.repeat(60_000) + '}',
    );
    const [p] = problems(deep);
    expect(p).toMatchObject({ code: 'json_syntax', line: 1 });
    expect(p!.message).toMatch(/nested more than 64 levels deep/);
  });

  it('YAML flow nesting too', () => {
    const deep = file('deep.yaml', HEAD + 'x: ' + '['.repeat(50_000) + '\n');
    expect(problems(deep)[0]!.message).toMatch(/nested more than 64 levels/);
  });

  it('an alias bomb and an unset alias are findings, not exceptions', () => {
    const bomb = file(
      'bomb.yaml',
      HEAD +
        'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
    );
    expect(problems(bomb)[0]).toMatchObject({ code: 'yaml_syntax', severity: 'error' });
    expect(problems(bomb)[0]!.message).toMatch(/Excessive alias count/);
    const unset = file('unset.yaml', HEAD + 'settings: *nowhere\n');
    expect(problems(unset)[0]!.message).toMatch(/invalid YAML: Unresolved alias/);
  });

  it('!!binary stays text (it was one finding per byte, spread onto the stack)', () => {
    const binary = file('binary.yaml', HEAD + `settings: !!binary ${'QUFB'.repeat(20_000)}\n`);
    const found = problems(binary);
    expect(found.length).toBeLessThan(5);
    expect(found.some((p) => p.path === 'settings')).toBe(true);
  });

  it('thousands of unknown keys: the first 20 named, the rest counted, a duplicate key found', () => {
    let text = HEAD;
    for (let i = 0; text.length < MAX_RECIPE_BYTES - 40; i++) text += `k${i}: 1\n`;
    const found = problems(file('keys.yaml', text));
    expect(found).toHaveLength(21);
    expect(found.at(-1)!.message).toMatch(/and \d+ more unknown field\(s\)/);
    const dup = problems(file('dup.yaml', HEAD + 'k: 1\nk: 2\n'))[0]!;
    expect(dup).toMatchObject({ code: 'yaml_syntax', line: 6 });
    expect(dup.message).toMatch(/the key `k` appears twice/);
  });
});

describe('what is answered', () => {
  it('a JSON error names the position, never the content around it', () => {
    const leak = file('leak.json', '{"title": "t", "password": "hunter2" x}');
    const [p] = problems(leak);
    expect(p!.code).toBe('json_syntax');
    expect(p!.message).not.toContain('hunter2');
    expect(p!.message).not.toContain('password');
  });

  it('a file that is not a recipe is said to be one, without listing its keys', () => {
    const other = file('secrets.yaml', 'api_key: abc\ndb_password: def\n');
    const found = problems(other);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'not_a_recipe' });
    expect(found[0]!.message).not.toMatch(/api_key|db_password/);
  });
});

describe('the daemon checks recipes on a worker thread', () => {
  it('answers like the in-thread check, and survives a hostile file', async () => {
    const checker = new WorkerChecker();
    try {
      const fine = await checker.load(file('fine.yaml', HEAD), {});
      expect(fine.check.problems).toEqual([]);
      const deep = await checker.load(
        file('deep2.json', '{"title":"t","x":' + '['.repeat(60_000) + ']'.repeat(60_000) + '}'),
        {},
      );
      expect(deep.check.problems[0]!.message).toMatch(/nested more than 64/);
      await expect(checker.load(join(dir, 'missing.yaml'), {})).rejects.toThrow(/no such file/);
      expect((await checker.load(file('again.yaml', HEAD), {})).check.problems).toEqual([]);
    } finally {
      await checker.close();
    }
  });
});
