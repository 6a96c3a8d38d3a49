import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, nestingExcess } from '../../src/domain/recipe/nesting.js';
import { fixturesDir } from '../support/harness.js';

describe('nesting, measured before parsing', () => {
  it('finds JSON nested deeper than the limit, exactly, and where', () => {
    expect(nestingExcess('{"a": [1, {"b": "[[[[["}]}', 'json', 3)).toBeNull();
    const deep = '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    expect(nestingExcess(deep, 'json')).toMatchObject({ depth: MAX_NESTING + 1, line: 1 });
  });

  it('finds YAML flow and block nesting; brackets and dashes in text do not count', () => {
    expect(nestingExcess('a: ' + '['.repeat(200), 'yaml')).toMatchObject({ line: 1 });
    const block = Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(nestingExcess(block, 'yaml')).toMatchObject({ depth: MAX_NESTING + 1 });
    expect(nestingExcess('- '.repeat(100) + 'x', 'yaml')).not.toBeNull();
    const text = [
      'prompt: see a[0][1][2][3] and {x} - y',
      "title: it's [fine",
      'instructions: |',
      '  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
      '  - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -',
      'parameters:',
      '  - key: a   # [[[[[[[[',
      '    requirement: "[[[[[[[["',
    ].join('\n');
    expect(nestingExcess(text, 'yaml', 8)).toBeNull();
  });

  it('every Goose cookbook recipe is far inside the limit', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
      );
    const recipes = walk(fixturesDir).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(recipes.length).toBeGreaterThan(10);
    for (const f of recipes)
      expect(
        nestingExcess(readFileSync(f, 'utf8'), f.endsWith('.json') ? 'json' : 'yaml', 16),
        f,
      ).toBeNull();
  });
});
