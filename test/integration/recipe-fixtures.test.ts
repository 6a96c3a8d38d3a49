/**
 * Every real recipe in the shared fixture folder, with the verdict goose-flow must reach: accepted,
 * or refused with exact reason codes and lines; and whether it can run headless, and why not.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRecipeFile } from '../../src/adapters/recipe/recipe-file.js';
import { RecipeFileError, type RecipeCheck } from '../../src/domain/recipe/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.resolve(repoRoot, '../shared/fixtures/goose-recipes');

type Line = [code: string, line: number];
interface Verdict {
  /** Exact error list as [code, line] (order-insensitive); [] means accepted. */
  errors: Line[];
  /** Exact set of warning codes. */
  warnings: string[];
  /** `true`, or a fragment of the first headless reason. */
  headless: true | string;
}

const NO_PROMPT = 'recipe has no `prompt`';
const INVALID = 'the recipe has';
const needs = (key: string) => `parameter \`${key}\``;
const undeclared = (...lines: number[]): Line[] => lines.map((l) => ['template_undeclared', l]);

const LOAD_TEST_GENERATOR: Line[] = [
  ['missing_field', 4], // no `title`: points at the document, after the leading comments
  ...[12, 17, 23, 28, 34, 40].map((l): Line => ['param_legacy_shape', l]),
  ...[61, 72, 85, 98, 115].map((l): Line => ['invalid_type', l]), // activities are objects
  ...undeclared(65, 78, 78, 78, 90, 90, 90, 91, 92, 93, 103, 104, 104, 104, 105, 106, 107, 108),
  ...undeclared(109, 123, 123, 133, 134, 135),
];

const EXPECTED: Record<string, Verdict> = {
  'Knowledge-base-migration.yaml': {
    errors: [],
    warnings: ['unknown_field'],
    headless: needs('kb_source'),
  },
  'analyze-pr.yaml': { errors: [], warnings: [], headless: needs('pr') },
  'base_recipe.yaml': { errors: [], warnings: [], headless: needs('recipe_path') },
  'build-testing.recipe.yaml': {
    errors: [],
    warnings: ['unknown_field'],
    headless: needs('project_dir'),
  },
  'changelog-generator.yaml': {
    errors: [],
    warnings: ['unknown_field'],
    headless: needs('repo_path'),
  },
  'clean-up-feature-flag.json': {
    errors: [...undeclared(6, 6), ['invalid_type', 9], ['invalid_type', 18]],
    warnings: ['unknown_field'],
    headless: INVALID,
  },
  'clean-up-feature-flag.yaml': {
    errors: [],
    warnings: ['unknown_field'],
    headless: needs('feature_flag_key'),
  },
  'code-review.yaml': { errors: [], warnings: [], headless: needs('pr_directory') },
  'daily-standup-report-generator.yaml': {
    errors: [],
    warnings: ['param_required_with_default', 'unknown_field'],
    headless: true,
  },
  'data-analysis-pipeline.yaml': { errors: [], warnings: [], headless: needs('data_file') },
  'dependency-updater.yaml': { errors: [], warnings: [], headless: true },
  'github-pr-summarizer.yaml': {
    errors: [
      ['invalid_type', 25],
      ['invalid_type', 26],
    ],
    warnings: [],
    headless: INVALID,
  },
  'investigator.yaml': { errors: [], warnings: ['unknown_field'], headless: NO_PROMPT },
  'load-test-generator.yaml': {
    errors: LOAD_TEST_GENERATOR,
    warnings: ['unknown_field'],
    headless: INVALID,
  },
  'maverick-behavioral-adaptation.yaml': { errors: [], warnings: [], headless: true },
  'planner.yaml': { errors: [], warnings: ['unknown_field'], headless: NO_PROMPT },
  'procurement-approval-agent.yaml': {
    errors: [],
    warnings: [],
    headless: needs('requester_name'),
  },
  'pull-request-generator.yaml': {
    errors: [['param_optional_without_default', 18]],
    warnings: ['unknown_field'],
    headless: INVALID,
  },
  'quick-note.yaml': {
    errors: [['yaml_syntax', 17]],
    warnings: [],
    headless: 'could not be parsed',
  },
  'release-signoff.yaml': { errors: [], warnings: ['unknown_field'], headless: needs('repo_path') },
  'reliability-sidecar.yaml': {
    errors: [],
    warnings: [],
    headless: `${needs('task')} (user_prompt)`,
  },
  'sats4ai-visual-asset-creator.yaml': { errors: [], warnings: [], headless: needs('subject') },
  'smart-task-organizer.yaml': {
    errors: [['yaml_syntax', 39]],
    warnings: [],
    headless: 'could not be parsed',
  },
  'technical-debt-tracker.yaml': {
    errors: [62, 67, 72, 78, 84].map((l): Line => ['sub_recipe_missing', l]),
    warnings: [],
    headless: INVALID,
  },
  'use-openmetadata.yaml': { errors: [], warnings: [], headless: needs('fqn') },
  'web-researcher.yaml': {
    errors: [],
    warnings: ['unknown_field', 'template_literal'],
    headless: needs('topic'),
  },
  'subrecipes/chart-generator.yaml': {
    errors: [
      ['param_optional_without_default', 17],
      ['param_unused', 17],
    ],
    warnings: [],
    headless: INVALID,
  },
  'subrecipes/complexity-analysis.yaml': {
    errors: [],
    warnings: [],
    headless: needs('repository_path'),
  },
  'subrecipes/data-cleaner.yaml': {
    errors: [
      ['param_optional_without_default', 17],
      ['param_unused', 17],
    ],
    warnings: [],
    headless: INVALID,
  },
  'subrecipes/data-validator.yaml': { errors: [], warnings: [], headless: needs('data_file') },
  'subrecipes/dependency-analysis.yaml': {
    errors: [],
    warnings: [],
    headless: needs('repository_path'),
  },
  'subrecipes/documentation-analysis.yaml': {
    errors: [],
    warnings: [],
    headless: needs('repository_path'),
  },
  'subrecipes/duplication-detection.yaml': {
    errors: [],
    warnings: [],
    headless: needs('repository_path'),
  },
  'subrecipes/statistical-analyzer.yaml': {
    errors: [['param_unused', 29]],
    warnings: [],
    headless: INVALID,
  },
  'subrecipes/test-coverage-analysis.yaml': {
    errors: [],
    warnings: [],
    headless: needs('repository_path'),
  },
};

function recipeFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory())
      return recipeFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`);
    return /\.(ya?ml|json)$/i.test(entry.name) ? [`${prefix}${entry.name}`] : [];
  });
}

const sortLines = (lines: Line[]) => lines.map(([c, l]) => `${c}@${l}`).sort();
const errorLines = (check: RecipeCheck): Line[] =>
  check.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.line ?? 0]);

describe('Goose recipe fixtures', () => {
  it('the fixture folder exists and every file in it has a verdict', () => {
    expect(existsSync(FIXTURES), `fixtures not found at ${FIXTURES}`).toBe(true);
    expect(recipeFiles(FIXTURES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (file, verdict) => {
    const { check } = loadRecipeFile(path.join(FIXTURES, file));
    expect(sortLines(errorLines(check))).toEqual(sortLines(verdict.errors));
    expect(check.recipe === undefined).toBe(verdict.errors.length > 0);
    const warnings = new Set(
      check.problems.filter((p) => p.severity === 'warning').map((p) => p.code),
    );
    expect([...warnings].sort()).toEqual([...verdict.warnings].sort());
    if (verdict.headless === true) expect(check.headless).toEqual({ ok: true, reasons: [] });
    else {
      expect(check.headless.ok).toBe(false);
      expect(check.headless.reasons[0]).toContain(verdict.headless);
    }
    for (const p of check.problems.filter((x) => x.severity === 'error')) {
      expect(p.line, `${file}: ${p.message}`).toBeGreaterThan(0);
    }
  });
});

describe('recipe file details', () => {
  const at = (file: string) => path.join(FIXTURES, file);

  it('investigator and planner lack only a prompt for a headless run', () => {
    for (const file of ['investigator.yaml', 'planner.yaml']) {
      const { check } = loadRecipeFile(at(file), { params: { objective: 'x', goal: 'x' } });
      expect(check.problems.some((p) => p.code === 'value_unknown_key')).toBe(true);
      const key = file === 'planner.yaml' ? 'goal' : 'objective';
      const bound = loadRecipeFile(at(file), { params: { [key]: 'x' } }).check;
      expect(bound.headless.reasons).toEqual([
        'recipe has no `prompt`; a headless (scheduled) run sends only the prompt — add a `prompt` field',
      ]);
    }
  });

  it('reliability-sidecar runs headless once its user_prompt parameter has a value', () => {
    const { check } = loadRecipeFile(at('reliability-sidecar.yaml'), {
      params: { task: 'check' },
      headless: true,
    });
    expect(check.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(check.headless).toEqual({ ok: true, reasons: [] });
    const strict = loadRecipeFile(at('reliability-sidecar.yaml'), { headless: true }).check;
    expect(strict.problems.map((p) => p.code)).toEqual(['value_missing']);
  });

  it('web-researcher: the Handlebars `{{#if}}` is reported at its line and column', () => {
    const { check } = loadRecipeFile(at('web-researcher.yaml'));
    const literal = check.problems.filter((p) => p.code === 'template_literal');
    expect(literal.map((p) => [p.line, p.column])).toEqual([
      [101, 5],
      [101, 59],
    ]);
    expect(literal[0]?.message).toContain("unexpected character '#'");
  });

  it('technical-debt-tracker names the resolved sub-recipe path', () => {
    const { check } = loadRecipeFile(at('technical-debt-tracker.yaml'));
    expect(check.problems[0]?.message).toContain(
      path.join(FIXTURES, 'sub-recipes/complexity-analysis.yaml'),
    );
  });

  it('checks that a `file` parameter value exists, relative to cwd', () => {
    const missing = loadRecipeFile(at('changelog-generator.yaml'), {
      params: { repo_path: 'nope' },
      cwd: FIXTURES,
    });
    expect(missing.check.problems.map((p) => p.code)).toContain('value_file_missing');
    const present = loadRecipeFile(at('changelog-generator.yaml'), {
      params: { repo_path: 'subrecipes' },
      cwd: FIXTURES,
    });
    expect(present.check.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(present.check.headless.ok).toBe(true);
  });
});

describe('loadRecipeFile edge cases', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'goose-flow-recipe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('throws RecipeFileError naming the path and the OS reason', () => {
    const file = path.join(dir, 'absent.yaml');
    expect(() => loadRecipeFile(file)).toThrow(RecipeFileError);
    expect(() => loadRecipeFile(file)).toThrow(`cannot read recipe ${file}: no such file (ENOENT)`);
    expect(() => loadRecipeFile(dir)).toThrow(/it is a directory \(EISDIR\)/);
  });

  it('handles a BOM and CRLF line endings, keeping the exact text', () => {
    const text = '\uFEFFtitle: T\r\ndescription: D\r\nprompt: hi {{ x }}\r\nbogus: 1\r\n';
    const loaded = loadRecipeFile(write('bom.yaml', text));
    expect(loaded.text).toBe(text);
    expect(loaded.check.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['template_undeclared', 3, 15],
      ['unknown_field', 4, 8],
    ]);
  });

  it('reports a JSON syntax error with its line and sniffs JSON without an extension', () => {
    const bad = loadRecipeFile(
      write('bad.json', '{\n  "title": "T",\n  "description": "D"\n  "prompt": "p"\n}\n'),
    );
    expect(bad.check.problems[0]).toMatchObject({ code: 'json_syntax', line: 4 });
    const sniffed = loadRecipeFile(
      write('recipe', '{"title": "T", "description": "D", "prompt": "p"}'),
    );
    expect(sniffed.format).toBe('json');
    expect(sniffed.check.problems).toEqual([]);
  });

  it('accepts the desktop wrapper form and locates problems inside it', () => {
    const text =
      'name: n\nisGlobal: true\nrecipe:\n  title: T\n  description: D\n  prompt: p\n  author: me\n';
    const { check } = loadRecipeFile(write('wrapped.yaml', text));
    expect(check.problems).toMatchObject([
      { code: 'invalid_type', path: 'recipe.author', line: 7, column: 11 },
    ]);
  });
});
