import { describe, expect, it } from 'vitest';
import { scanTemplate } from '../../src/domain/recipe/template.js';

const names = (text: string) => scanTemplate(text).variables.map((v) => v.name);
const issues = (text: string) => scanTemplate(text).issues;

describe('scanTemplate: variables', () => {
  it('finds `{{ x }}` with or without inner spaces, once each, with position', () => {
    const scan = scanTemplate('a: {{ repo }}\nb: {{repo}} {{ branch }}');
    expect(scan.variables).toEqual([
      { name: 'repo', line: 1, column: 7 },
      { name: 'branch', line: 2, column: 16 },
    ]);
    expect(scan.issues).toEqual([]);
  });

  it('ignores string literals, filter names, test names, attributes and keywords', () => {
    const text = `{{ size | default('2') | upper }} {% if mode is not defined and x is none or "y" in z %}{% endif %}`;
    expect(names(text)).toEqual(['size', 'mode', 'x', 'z']);
  });

  it('ignores keyword-argument names and keeps dotted lookups whole, as MiniJinja does', () => {
    expect(names('{{ body | indent(2, first=true) }} {{ user.name }} {{ a[b] }}')).toEqual([
      'body',
      'user.name',
      'a',
      'b',
    ]);
  });

  it('drops names bound by for, set and macro, and the built-ins recipe_dir and loop', () => {
    const text = [
      '{% for item, n in items %}{{ item.title }} {{ loop.index }} {{ n }}{% endfor %}',
      '{% set total = count + 1 %}{{ total }}',
      '{% macro row(cell, width=10) %}{{ cell }}{{ width }}{% endmacro %}{{ row(x) }}',
      '{{ recipe_dir }}/script.sh',
    ].join('\n');
    expect(names(text)).toEqual(['items', 'count', 'x']);
  });

  it('ignores comments and raw blocks', () => {
    expect(names('{# {{ hidden }} #}{% raw %}{{ literal }}{% endraw %}{{ shown }}')).toEqual([
      'shown',
    ]);
  });

  it('accepts whitespace control, elif/else chains, extends and blocks', () => {
    const text =
      '{% extends "base.yaml" %}{% block body -%}\n{%- if a == "x" %}1{% elif b %}2{% else %}3{% endif %}{% endblock %}';
    const scan = scanTemplate(text);
    expect(scan.issues).toEqual([]);
    expect(scan.inheritance).toBe(true);
    expect(scan.variables.map((v) => v.name)).toEqual(['a', 'b']);
  });
});

describe('scanTemplate: syntax', () => {
  it('reports Handlebars `{{#if x}}` on one line as literal text (Goose wraps it in raw)', () => {
    const [first, second] = issues('title: t\nprompt: {{#if x}}yes {{ x }}{{/if}}');
    expect(first).toMatchObject({ line: 2, column: 11, literal: true });
    expect(first?.message).toContain("unexpected character '#'");
    expect(second).toMatchObject({ line: 2, column: 31, literal: true });
    expect(names('{{#if x}}yes{{/if}}')).toEqual([]);
  });

  it('treats `{{hf model org}}` as literal, like Goose', () => {
    const [issue] = issues('{{hf model org}}');
    expect(issue?.literal).toBe(true);
    expect(issue?.message).toContain("unexpected name 'model'");
  });

  it('reports an unclosed `{{` with its position', () => {
    expect(issues('line one\n  text {{ name\nmore')).toEqual([
      { line: 2, column: 8, message: 'unclosed `{{` (no matching `}}`)', literal: false },
    ]);
  });

  it('reports a bad expression spanning lines as a hard error', () => {
    const [issue] = issues('{{ a +\n }}');
    expect(issue).toMatchObject({ literal: false });
    expect(issue?.message).toContain("unexpected end of expression after '+'");
  });

  it('reports unbalanced blocks: never closed, wrong end, stray end', () => {
    expect(issues('x\n{% if a %}text')[0]).toMatchObject({
      line: 2,
      column: 1,
      message: '`{% if %}` is never closed (expected `{% endif %}`)',
    });
    expect(issues('{% for a in b %}{% endif %}')[0]?.message).toBe(
      '`{% endif %}` closes `{% for %}` opened at line 1, column 1 (expected `{% endfor %}`)',
    );
    expect(issues('{% endblock %}')[0]?.message).toBe(
      '`{% endblock %}` has no matching opening tag',
    );
    expect(issues('{% else %}')[0]?.message).toContain('outside of `{% if %}`');
  });

  it('reports unclosed raw, comments and statements, and unknown statements', () => {
    expect(issues('{% raw %}{{ x }}')[0]?.message).toContain('`{% raw %}` is never closed');
    expect(issues('{# note')[0]?.message).toContain('unclosed comment');
    expect(issues('{% if x')[0]?.message).toContain('unclosed `{%`');
    expect(issues('{% frobnicate %}')[0]?.message).toBe('unknown statement `{% frobnicate %}`');
  });

  it('counts lines through CRLF endings', () => {
    const scan = scanTemplate('a: 1\r\nb: {{ x }}\r\n');
    expect(scan.variables[0]).toMatchObject({ name: 'x', line: 2, column: 7 });
  });
});
