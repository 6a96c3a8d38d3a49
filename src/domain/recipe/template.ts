/**
 * A scanner for the MiniJinja templates Goose renders over a recipe's raw text. It is not a
 * renderer: it finds `{{ expr }}`, `{% stmt %}` and `{# comment #}`, reports what MiniJinja would
 * refuse to parse (with line and column), and lists the free variables a recipe must declare.
 *
 * One Goose quirk is reproduced on purpose: before handing the text to MiniJinja, Goose wraps every
 * single-line `{{ … }}` whose content does not parse (e.g. Handlebars' `{{#if x}}`) in
 * `{% raw %}`, so it reaches the model as literal text instead of failing. Such spots are reported
 * as issues with `literal: true`; the caller decides how loudly to say so.
 */
import { BUILT_IN_RECIPE_DIR } from './model.js';
import { type Token, tokenizeExpression, checkExpression } from './template-expr.js';

export interface TemplatePosition {
  line: number;
  column: number;
}

export interface TemplateIssue extends TemplatePosition {
  message: string;
  /** True when Goose renders this `{{ … }}` as literal text rather than refusing the recipe. */
  literal: boolean;
}

export interface TemplateVariable extends TemplatePosition {
  /** Root name, or a dotted path (`user.name`) as MiniJinja's nested lookup tracking reports it. */
  name: string;
}

export interface TemplateScan {
  /** Free variables, first use of each name, in order of appearance. */
  variables: TemplateVariable[];
  issues: TemplateIssue[];
  /** `{% extends %}` or `{% include %}` seen: Goose must render other files to know the whole text. */
  inheritance: boolean;
}

const BLOCK_ENDS: Record<string, string> = {
  if: 'endif',
  for: 'endfor',
  block: 'endblock',
  macro: 'endmacro',
  call: 'endcall',
  filter: 'endfilter',
  with: 'endwith',
  autoescape: 'endautoescape',
  set: 'endset',
};
const SIMPLE_STATEMENTS = new Set([
  'extends',
  'include',
  'import',
  'from',
  'do',
  'break',
  'continue',
]);
/** Names MiniJinja provides itself; never parameters. */
const BUILT_INS = new Set([BUILT_IN_RECIPE_DIR, 'loop', 'range', 'dict', 'namespace', 'super']);
const SIMPLE_VARIABLE = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/;

interface OpenBlock extends TemplatePosition {
  name: string;
}

class Scanner {
  readonly issues: TemplateIssue[] = [];
  readonly used = new Map<string, TemplateVariable>();
  readonly bound = new Set<string>();
  readonly stack: OpenBlock[] = [];
  inheritance = false;
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  position(offset: number): TemplatePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  issue(offset: number, message: string, literal = false): void {
    this.issues.push({ ...this.position(offset), message, literal });
  }

  /** Records the first use of each free name of an expression. */
  use(tokens: readonly Token[]): void {
    for (const { name, offset } of freeNames(tokens)) {
      if (!this.used.has(name)) this.used.set(name, { name, ...this.position(offset) });
    }
  }
}

export function scanTemplate(text: string): TemplateScan {
  const s = new Scanner(text);
  let i = 0;
  while ((i = nextTagStart(text, i)) !== -1) {
    const kind = text[i + 1];
    if (kind === '#') i = scanComment(s, i);
    else if (kind === '{') i = scanExpressionTag(s, i);
    else i = scanStatementTag(s, i);
  }
  for (const open of s.stack) {
    s.issues.push({
      line: open.line,
      column: open.column,
      message: `\`{% ${open.name} %}\` is never closed (expected \`{% ${BLOCK_ENDS[open.name]} %}\`)`,
      literal: false,
    });
  }
  const variables = [...s.used.values()].filter((v) => !isBound(s.bound, v.name));
  return { variables, issues: s.issues, inheritance: s.inheritance };
}

function isBound(bound: ReadonlySet<string>, name: string): boolean {
  const root = name.split('.')[0] ?? name;
  return BUILT_INS.has(root) || bound.has(root);
}

function nextTagStart(text: string, from: number): number {
  for (let i = text.indexOf('{', from); i !== -1; i = text.indexOf('{', i + 1)) {
    const c = text[i + 1];
    if (c === '{' || c === '%' || c === '#') return i;
  }
  return -1;
}

function scanComment(s: Scanner, start: number): number {
  const end = s.text.indexOf('#}', start + 2);
  if (end === -1) {
    s.issue(start, 'unclosed comment `{#` (no matching `#}`)');
    return s.text.length;
  }
  return end + 2;
}

/** Finds the closing delimiter of a tag, skipping string literals as MiniJinja's lexer does. */
function findClose(text: string, from: number, close: string): number {
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (text.startsWith(close, i)) return i;
  }
  return -1;
}

/** Strips MiniJinja whitespace-control markers (`{{-`, `-%}`, `{%+`). */
function innerRange(text: string, start: number, end: number): [number, number] {
  let from = start + 2;
  let to = end;
  if (text[from] === '-' || text[from] === '+') from++;
  if (to > from && (text[to - 1] === '-' || text[to - 1] === '+')) to--;
  return [from, to];
}

function scanExpressionTag(s: Scanner, start: number): number {
  const sameLine = goosePrepassContent(s.text, start);
  if (sameLine !== undefined && !SIMPLE_VARIABLE.test(sameLine.content)) {
    const trimmed = sameLine.content.trim();
    if (!trimmed.startsWith('"') && !trimmed.startsWith("'")) {
      const problem = expressionProblem(s.text, start, sameLine.end);
      if (problem) {
        const snippet = s.text.slice(start, sameLine.end + 2);
        s.issue(problem.offset, `${problem.message} in \`${snippet}\``, true);
        return sameLine.end + 2;
      }
    }
  }
  const end = findClose(s.text, start + 2, '}}');
  if (end === -1) {
    s.issue(start, 'unclosed `{{` (no matching `}}`)');
    return s.text.length;
  }
  const problem = expressionProblem(s.text, start, end);
  if (problem) s.issue(problem.offset, problem.message);
  else s.use(tokenizeExpression(s.text, ...innerRange(s.text, start, end)).tokens);
  return end + 2;
}

/** What Goose's regex `\{\{(.*?)\}\}` captures at `start`: the text up to the first `}}` on the line. */
function goosePrepassContent(
  text: string,
  start: number,
): { content: string; end: number } | undefined {
  const end = text.indexOf('}}', start + 2);
  const newline = text.indexOf('\n', start);
  if (end === -1 || (newline !== -1 && newline < end)) return undefined;
  return { content: text.slice(start + 2, end), end };
}

function expressionProblem(
  text: string,
  start: number,
  end: number,
): { message: string; offset: number } | undefined {
  const [from, to] = innerRange(text, start, end);
  const lexed = tokenizeExpression(text, from, to);
  if (lexed.error) return lexed.error;
  return checkExpression(lexed.tokens, to);
}

function scanStatementTag(s: Scanner, start: number): number {
  const end = findClose(s.text, start + 2, '%}');
  if (end === -1) {
    s.issue(start, 'unclosed `{%` (no matching `%}`)');
    return s.text.length;
  }
  const [from, to] = innerRange(s.text, start, end);
  const lexed = tokenizeExpression(s.text, from, to);
  if (lexed.error) {
    s.issue(lexed.error.offset, lexed.error.message);
    return end + 2;
  }
  const [head, ...rest] = lexed.tokens;
  if (!head || head.kind !== 'name') {
    s.issue(start, 'empty or malformed statement `{% %}`');
    return end + 2;
  }
  if (head.text === 'raw') return skipRaw(s, start, end + 2);
  statement(s, head, rest, start);
  return end + 2;
}

function skipRaw(s: Scanner, start: number, from: number): number {
  const endRaw = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;
  endRaw.lastIndex = from;
  const match = endRaw.exec(s.text);
  if (!match) {
    s.issue(start, '`{% raw %}` is never closed (expected `{% endraw %}`)');
    return s.text.length;
  }
  return match.index + match[0].length;
}

function statement(s: Scanner, head: Token, rest: Token[], start: number): void {
  const word = head.text;
  if (word.startsWith('end')) return closeBlock(s, word, start);
  if (word === 'elif' || word === 'else') return middleBlock(s, word, rest, start);
  const opens = word in BLOCK_ENDS && !(word === 'set' && rest.some((t) => t.text === '='));
  if (opens) s.stack.push({ name: word, ...s.position(start) });
  else if (!SIMPLE_STATEMENTS.has(word) && word !== 'set') {
    s.issue(head.offset, `unknown statement \`{% ${word} %}\``);
    return;
  }
  if (word === 'extends' || word === 'include') s.inheritance = true;
  bindAndUse(s, word, rest);
}

function closeBlock(s: Scanner, word: string, start: number): void {
  const open = s.stack[s.stack.length - 1];
  if (!Object.values(BLOCK_ENDS).includes(word)) {
    s.issue(start, `unknown statement \`{% ${word} %}\``);
  } else if (!open) {
    s.issue(start, `\`{% ${word} %}\` has no matching opening tag`);
  } else if (BLOCK_ENDS[open.name] !== word) {
    s.issue(
      start,
      `\`{% ${word} %}\` closes \`{% ${open.name} %}\` opened at line ${open.line}, column ${open.column} (expected \`{% ${BLOCK_ENDS[open.name]} %}\`)`,
    );
    s.stack.pop();
  } else {
    s.stack.pop();
  }
}

function middleBlock(s: Scanner, word: string, rest: Token[], start: number): void {
  const open = s.stack[s.stack.length - 1]?.name;
  const allowed = word === 'elif' ? open === 'if' : open === 'if' || open === 'for';
  if (!allowed)
    s.issue(
      start,
      `\`{% ${word} %}\` outside of \`{% if %}\`${word === 'else' ? ' or `{% for %}`' : ''}`,
    );
  s.use(rest);
}

/** Names a statement binds (loop targets, `set`, macro arguments, imports) are not parameters. */
function bindAndUse(s: Scanner, word: string, rest: Token[]): void {
  const texts = rest.map((t) => t.text);
  const bindNames = (tokens: Token[]) => {
    for (const t of tokens) if (t.kind === 'name') s.bound.add(t.text);
  };
  if (word === 'for') {
    const inAt = texts.indexOf('in');
    bindNames(rest.slice(0, inAt === -1 ? 0 : inAt));
    s.use(rest.slice(inAt + 1));
  } else if (word === 'set' || word === 'with') {
    // `set x = expr` binds x; the block form `set x` (closed by endset) binds x with no value.
    const eq = texts.indexOf('=');
    bindNames(eq === -1 ? rest : rest.slice(0, eq));
    s.use(eq === -1 ? [] : rest.slice(eq + 1));
  } else if (word === 'macro' || word === 'import' || word === 'from') {
    // A macro's name and arguments, or imported names; argument defaults are not bindings.
    bindNames(rest.filter((_t, i) => rest[i - 1]?.text !== '='));
  } else if (word !== 'block' && word !== 'filter') {
    s.use(rest);
  }
}

/** Free names of an expression: not attributes, filters, tests, keywords or keyword-argument names. */
function freeNames(tokens: readonly Token[]): { name: string; offset: number }[] {
  const found: { name: string; offset: number }[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'name' || t.keyword) return;
    const prev = tokens[i - 1]?.text;
    if (prev === '.' || prev === '|' || prev === 'is') return;
    if (prev === 'not' && tokens[i - 2]?.text === 'is') return;
    if (tokens[i + 1]?.text === '=') return;
    let name = t.text;
    for (let j = i + 1; tokens[j]?.text === '.' && tokens[j + 1]?.kind === 'name'; j += 2) {
      name += `.${tokens[j + 1]?.text}`;
    }
    found.push({ name, offset: t.offset });
  });
  return found;
}
