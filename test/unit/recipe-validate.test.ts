import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  RecipeInvalidError,
  formatProblems,
  validateRecipe,
  type RecipeCheck,
  type ValidateRecipeInput,
} from '../../src/domain/recipe/index.js';

const BASE = `title: T
description: D
prompt: Review {{ repo }}
parameters:
  - key: repo
    input_type: string
    requirement: required
    description: the repo
`;

function check(text: string, extra: Partial<ValidateRecipeInput> = {}): RecipeCheck {
  return validateRecipe({
    file: 'r.yaml',
    text,
    format: 'yaml',
    document: parse(text),
    locate: () => undefined,
    ...extra,
  });
}
const errors = (c: RecipeCheck) => c.problems.filter((p) => p.severity === 'error');
const codes = (c: RecipeCheck) => c.problems.map((p) => `${p.severity}:${p.code}@${p.path}`);

describe('validateRecipe: shape', () => {
  it('accepts a minimal recipe and returns it with the default version', () => {
    const c = check(BASE);
    expect(c.problems).toEqual([]);
    expect(c.recipe).toMatchObject({ version: '1.0.0', title: 'T', prompt: 'Review {{ repo }}' });
  });

  it('requires title and description, and one of instructions/prompt', () => {
    const c = check('title: ""\nsettings: {temperature: 0.2}\n');
    expect(codes(c)).toEqual([
      'error:empty_field@title',
      'error:missing_field@description',
      'error:no_instructions_or_prompt@',
    ]);
    expect(c.recipe).toBeUndefined();
  });

  it('warns, never fails, on fields Goose ignores', () => {
    const text = `${BASE}    value: v
max_turns: 5
id: x
extensions:
  - type: stdio
    name: gh
    cmd: npx
    env: {A: b}
`;
    const c = check(text);
    expect(c.recipe).toBeDefined();
    expect(codes(c)).toEqual(
      expect.arrayContaining([
        'warning:unknown_field@max_turns',
        'warning:unknown_field@id',
        'warning:unknown_field@extensions[0].env',
        'warning:unknown_field@parameters[0].value',
      ]),
    );
  });

  it('names the allowed values of input_type and requirement', () => {
    const c = check(BASE.replace('input_type: string', 'input_type: integer'));
    const [p] = errors(c);
    expect(p).toMatchObject({ code: 'invalid_value', path: 'parameters[0].input_type' });
    expect(p?.allowed).toEqual(['string', 'number', 'boolean', 'date', 'file', 'select']);
    expect(p?.message).toBe(
      '`parameters[0].input_type` is the string "integer"; allowed: string, number, boolean, date, file, select',
    );
    const r = errors(check(BASE.replace('requirement: required', 'requirement: must')));
    expect(r[0]?.allowed).toEqual(['required', 'optional', 'user_prompt']);
  });

  it('refuses bare-string extensions and lists the extension types', () => {
    const c = check(
      `${BASE}extensions:\n  - github\n  - type: builtin\n    name: developer\n  - type: command\n    name: fs\n`,
    );
    expect(codes(c)).toEqual([
      'error:invalid_type@extensions[0]',
      'error:invalid_value@extensions[2].type',
    ]);
    expect(errors(c)[0]?.message).toContain('got the string "github"');
    expect(errors(c)[0]?.allowed).toContain('streamable_http');
  });

  it('checks author, settings, response and retry shapes', () => {
    const text = `${BASE}author: someone
settings: {temperature: hot, max_turns: 0}
response: {json_schema: {}}
retry: {max_retries: 0, checks: [{type: http, command: x}]}
`;
    expect(codes(check(text))).toEqual([
      'error:invalid_type@settings.temperature',
      'error:invalid_value@settings.max_turns',
      'error:invalid_value@response.json_schema',
      'error:invalid_value@retry.max_retries',
      'error:invalid_value@retry.checks[0].type',
      'error:invalid_type@author',
    ]);
  });

  it('unwraps the desktop wrapper form; paths point inside `recipe.`', () => {
    const inner = BASE.replace('input_type: string', 'input_type: text')
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n');
    const c = check(
      `name: x\nisGlobal: true\nlastModified: now\nisArchived: false\nrecipe:\n${inner}\n`,
    );
    expect(codes(c)).toEqual(['error:invalid_value@recipe.parameters[0].input_type']);
  });

  it('explains the legacy name/type parameter shape once per parameter', () => {
    const c = check(
      `title: T\ndescription: D\nprompt: p\nparameters:\n  - name: a\n    type: integer\n    required: true\n`,
    );
    expect(codes(c)).toEqual(['error:param_legacy_shape@parameters[0]']);
  });
});

describe('validateRecipe: parameter rules', () => {
  const withParam = (lines: string, use = '"{{ p }}"') =>
    check(
      `title: T\ndescription: D\nprompt: ${use}\nparameters:\n  - key: p\n    description: d\n${lines}`,
    );

  it.each([
    [
      'optional without default',
      'input_type: string\n    requirement: optional',
      'error:param_optional_without_default@parameters[0]',
    ],
    [
      'required with default',
      'input_type: string\n    requirement: required\n    default: x',
      'warning:param_required_with_default@parameters[0].default',
    ],
    [
      'file with default',
      'input_type: file\n    requirement: user_prompt\n    default: ~/.ssh/id_rsa',
      'error:param_file_default@parameters[0].default',
    ],
    [
      'select without options',
      'input_type: select\n    requirement: required',
      'error:param_select_without_options@parameters[0]',
    ],
    [
      'number default not a number',
      'input_type: number\n    requirement: optional\n    default: lots',
      'warning:param_default_invalid@parameters[0].default',
    ],
  ])('%s', (_name, lines, expected) => {
    expect(codes(withParam(`    ${lines}\n`))).toEqual([expected]);
  });

  it('accepts numeric YAML defaults as strings, as Goose does', () => {
    const c = withParam('    input_type: number\n    requirement: optional\n    default: 15\n');
    expect(c.problems).toEqual([]);
    expect(c.params).toEqual({ p: '15' });
  });

  it('refuses a duplicate key', () => {
    const text = `${BASE}  - key: repo\n    input_type: string\n    requirement: required\n    description: again\n`;
    expect(codes(check(text))).toEqual(['error:param_duplicate@parameters[1].key']);
  });
});

describe('validateRecipe: templates', () => {
  it('refuses template variables that are not declared, naming each with its line', () => {
    const c = check(`${BASE}instructions: |\n  Use {{ branch }} and {{ recipe_dir }}/x\n`);
    expect(errors(c)).toEqual([
      expect.objectContaining({ code: 'template_undeclared', line: 10, column: 10 }),
    ]);
    expect(errors(c)[0]?.message).toContain('`branch`');
  });

  it('refuses a declared parameter the text never uses (Goose: unnecessary parameter definitions)', () => {
    const c = check(BASE.replace('Review {{ repo }}', 'Review'));
    expect(codes(c)).toEqual(['error:param_unused@parameters[0].key']);
  });

  it('reports template syntax errors with line and column', () => {
    const c = check(`${BASE}instructions: |\n  {% if repo %}\n  open\n`);
    expect(errors(c)[0]).toMatchObject({ code: 'template_syntax', line: 10, column: 3 });
  });

  it('only warns about a single-line `{{#if}}`: Goose renders it literally', () => {
    const c = check(BASE.replace('Review {{ repo }}', 'Review {{ repo }} {{#if repo}}x{{/if}}'));
    expect(c.recipe).toBeDefined();
    expect(codes(c)).toEqual(['warning:template_literal@', 'warning:template_literal@']);
  });
});

describe('validateRecipe: values, files and headless', () => {
  it('binds supplied values and defaults; refuses unknown keys', () => {
    expect(check(BASE, { params: { repo: '.' } }).params).toEqual({ repo: '.' });
    const c = check(BASE, { params: { repo: '.', nope: '1' } });
    expect(codes(c)).toEqual(['error:value_unknown_key@params.nope']);
  });

  it('reports missing sub-recipe files and file values through the resolver', () => {
    const text = `${BASE.replace('input_type: string', 'input_type: file')}sub_recipes:\n  - name: a\n    path: ./sub/a.yaml\n`;
    const c = check(text, {
      params: { repo: 'missing.txt' },
      resolveFile: (p, base) => ({ path: `/${base}/${p}`, exists: false }),
    });
    expect(codes(c)).toEqual([
      'error:sub_recipe_missing@sub_recipes[0].path',
      'error:value_file_missing@params.repo',
    ]);
    expect(errors(c)[0]?.message).toContain('/recipe/./sub/a.yaml');
  });

  it('cannot run headless without a prompt', () => {
    const c = check(BASE.replace('prompt:', 'instructions:'), { params: { repo: '.' } });
    expect(c.recipe).toBeDefined();
    expect(c.headless).toEqual({
      ok: false,
      reasons: [
        'recipe has no `prompt`; a headless (scheduled) run sends only the prompt — add a `prompt` field',
      ],
    });
  });

  it('needs a value for required and user_prompt parameters when headless', () => {
    const text = BASE.replace('requirement: required', 'requirement: user_prompt');
    expect(check(text).headless.reasons[0]).toContain(
      'parameter `repo` (user_prompt) has no value',
    );
    expect(check(text, { params: { repo: '.' } }).headless).toEqual({ ok: true, reasons: [] });
    const strict = check(text, { headless: true });
    expect(codes(strict)).toEqual(['error:value_missing@params.repo']);
  });
});

describe('RecipeInvalidError', () => {
  it('reports one line per error problem, compiler style', () => {
    const problems = [
      {
        severity: 'error',
        code: 'invalid_value',
        message: 'bad',
        path: 'parameters[1].description',
        line: 17,
        column: 31,
      },
      { severity: 'warning', code: 'unknown_field', message: 'odd', path: 'id' },
    ] as const;
    const err = new RecipeInvalidError('quick-note.yaml', problems);
    expect(err).toMatchObject({ code: 'recipe_invalid', kind: 'usage', retryable: false });
    expect(err.message).toBe(
      'recipe quick-note.yaml is invalid (1 error):\nquick-note.yaml:17:31: error: bad (at parameters[1].description)',
    );
    expect(formatProblems('q.yaml', problems)).toBe(
      'q.yaml:17:31: error: bad (at parameters[1].description)\nq.yaml: warning: odd (at id)',
    );
  });
});
