import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecipeFileCache } from '../../src/adapters/recipe/recipe-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const parent = (extra = '') =>
  `title: t\ndescription: d\nprompt: p\nsub_recipes:\n  - name: child\n    path: ./sub/child.yaml\n${extra}`;

describe('RecipeFileCache', () => {
  it('reuses a verdict only while the text, the params and the probed files are unchanged', () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub/child.yaml'), 'title: c\ndescription: d\nprompt: p\n');
    const file = join(dir, 'parent.yaml');
    writeFileSync(file, parent());
    const cache = new RecipeFileCache();
    const first = cache.load(file);
    expect(first.check.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(cache.load(file)).toBe(first);
    expect(cache.load(file, { params: { x: '1' } })).not.toBe(first);

    unlinkSync(join(dir, 'sub/child.yaml'));
    const missing = cache.load(file);
    expect(missing).not.toBe(first);
    expect(missing.check.problems.map((p) => p.code)).toContain('sub_recipe_missing');

    writeFileSync(file, parent('activities: [a]\n'));
    expect(cache.load(file).text).toContain('activities');
  });
});
