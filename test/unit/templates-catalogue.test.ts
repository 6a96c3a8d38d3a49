/**
 * The built-in template catalogue (templates/ at the package root): every template loads, its
 * manifest is well-formed, its entry is there, its suggested cron is 5 fields that fire, and its
 * entry is a recipe or pipeline that validates with sample values for its required parameters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTemplate, templateNames } from '../../src/adapters/templates/catalogue.js';
import { builtinTemplatesDir } from '../../src/app/templates.js';
import { compileSpec } from '../../src/domain/schedule/spec.js';
import { RecipeService } from '../../src/services/recipes.js';
import type { Parameter } from '../../src/domain/recipe/model.js';

const root = builtinTemplatesDir();
const names = templateNames(root);
const scratch = mkdtempSync(join(tmpdir(), 'goose-flow-templates-'));
const recipes = new RecipeService(join(scratch, 'recipes'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EXPECTED = {
  'repo-digest': 'recipe',
  'dependency-audit': 'recipe',
  'docs-freshness': 'recipe',
  'pr-review-sweep': 'pipeline',
  'release-notes': 'pipeline',
  'incident-triage': 'pipeline',
} as const;

/** A value for each required parameter, of its type. */
function sampleParams(parameters: readonly Parameter[]): Record<string, string> {
  const sample = (p: Parameter) =>
    p.input_type === 'number' ? '3' : p.input_type === 'select' ? p.options![0]! : 'sample';
  return Object.fromEntries(
    parameters.filter((p) => p.requirement === 'required').map((p) => [p.key, sample(p)]),
  );
}

describe('the built-in template catalogue', () => {
  it('holds at least the six templates written for goose-flow', () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
    expect(names).toEqual(expect.arrayContaining(Object.keys(EXPECTED)));
  });

  for (const name of names) {
    describe(name, () => {
      const template = loadTemplate(root, name)!;

      it('loads: a well-formed template.yaml, the entry among its files, a cron that fires', () => {
        expect(template).not.toBeNull();
        const { manifest } = template;
        expect(manifest.name).toBe(name);
        expect(manifest.title.length).toBeGreaterThan(0);
        expect(manifest.description.length).toBeGreaterThan(40);
        expect(template.files[0]!.path).toBe(manifest.entry);
        expect(manifest.schedule.cron.split(/\s+/)).toHaveLength(5);
        const spec = compileSpec({
          expression: manifest.schedule.cron,
          timezone: 'UTC',
          jitterMs: 0,
          startAt: null,
          endAt: null,
        });
        expect(spec.next(Date.UTC(2026, 0, 1))).not.toBeNull();
        expect(manifest.schedule.description.length).toBeGreaterThan(0);
        if (name in EXPECTED) expect(template.kind).toBe(EXPECTED[name as keyof typeof EXPECTED]);
      });

      it('declares its parameters with descriptions, optional ones with defaults', () => {
        expect(template.declared.length).toBeGreaterThan(0);
        for (const p of template.declared) {
          expect(p.description.length, p.key).toBeGreaterThan(0);
          if (p.requirement === 'optional') expect(p.default, p.key).toBeDefined();
        }
      });

      it('its entry validates, with no warning, given sample values for its required parameters', () => {
        const entry = join(template.dir, template.manifest.entry);
        const report = recipes.validate(entry, sampleParams(template.declared));
        expect(report.errors).toEqual([]);
        expect(report.valid).toBe(true);
        expect(report.warnings).toEqual([]);
        expect(report.headless).toEqual({ ok: true, reasons: [] });
      });
    });
  }
});
