/**
 * Lexing and a shallow syntax check of MiniJinja expressions — enough to tell which `{{ … }}`
 * MiniJinja refuses (stray characters, unbalanced brackets, two operands in a row) without
 * building a parse tree. Offsets are positions in the whole recipe text.
 */

export interface Token {
  kind: 'name' | 'string' | 'number' | 'op';
  text: string;
  offset: number;
  /** Operator words and literals (`and`, `in`, `true`, `none`…), never variables. */
  keyword: boolean;
}

export interface ExpressionError {
  message: string;
  offset: number;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'if',
  'else',
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'recursive',
]);
const OPERAND_KEYWORDS = new Set(['true', 'false', 'none', 'True', 'False', 'None']);
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9][0-9_]*(\.[0-9_]+)?([eE][+-]?[0-9]+)?/y;
const OPERATOR = /\/\/|\*\*|==|!=|<=|>=|[-+*/%~<>=()[\]{},.|:]/y;
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

export function tokenizeExpression(
  text: string,
  from: number,
  to: number,
): { tokens: Token[]; error?: ExpressionError } {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = stringEnd(text, i, to);
      if (end === -1)
        return { tokens, error: { message: 'unterminated string literal', offset: i } };
      tokens.push({ kind: 'string', text: text.slice(i, end), offset: i, keyword: false });
      i = end;
      continue;
    }
    const token = matchAt(text, i, to);
    if (!token) return { tokens, error: { message: `unexpected character '${c}'`, offset: i } };
    tokens.push(token);
    i += token.text.length;
  }
  return { tokens };
}

function stringEnd(text: string, start: number, to: number): number {
  for (let i = start + 1; i < to; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[start]) return i + 1;
  }
  return -1;
}

function matchAt(text: string, i: number, to: number): Token | undefined {
  for (const [kind, re] of [
    ['name', NAME],
    ['number', NUMBER],
    ['op', OPERATOR],
  ] as const) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m && i + m[0].length <= to) {
      const keyword = kind === 'name' && KEYWORDS.has(m[0]);
      return { kind, text: m[0], offset: i, keyword };
    }
  }
  return undefined;
}

function isOperand(t: Token): boolean {
  if (t.kind === 'string' || t.kind === 'number') return true;
  return t.kind === 'name' && (!t.keyword || OPERAND_KEYWORDS.has(t.text));
}

function endsOperand(t: Token): boolean {
  return isOperand(t) || t.text === ')' || t.text === ']' || t.text === '}';
}

/** `end` is the offset just past the expression, used to place "unexpected end" errors. */
export function checkExpression(
  tokens: readonly Token[],
  end: number,
): ExpressionError | undefined {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (!first || !last) return { message: 'empty expression', offset: end };
  if (first.kind === 'op' && !['(', '[', '{', '-', '+'].includes(first.text)) {
    return { message: `unexpected '${first.text}'`, offset: first.offset };
  }
  const stack: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const prev = tokens[i - 1];
    if (prev && endsOperand(prev) && isOperand(t) && !afterTestName(tokens, i)) {
      return { message: `unexpected ${t.kind} '${t.text}' (missing operator?)`, offset: t.offset };
    }
    if (t.text in OPENERS) stack.push(t);
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      const open = stack.pop();
      if (!open || OPENERS[open.text] !== t.text) {
        return { message: `unexpected '${t.text}'`, offset: t.offset };
      }
    }
  }
  const unclosed = stack.pop();
  if (unclosed) return { message: `'${unclosed.text}' is never closed`, offset: unclosed.offset };
  if (last.kind === 'op' && ![')', ']', '}'].includes(last.text)) {
    return { message: `unexpected end of expression after '${last.text}'`, offset: end };
  }
  return undefined;
}

/** `x is divisibleby 3`: a test may take one argument without parentheses. */
function afterTestName(tokens: readonly Token[], i: number): boolean {
  const before = tokens[i - 2]?.text;
  return before === 'is' || (before === 'not' && tokens[i - 3]?.text === 'is');
}
