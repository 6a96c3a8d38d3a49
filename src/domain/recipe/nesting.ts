/**
 * How deeply a recipe's text nests, measured in one linear pass before any parser sees it: a
 * document nested thousands of levels deep (a few hundred KB of `[[[[…`) exhausts a recursive
 * parser's stack, or its memory. Recipes nest a handful of levels; the limit is generous.
 *
 * JSON is measured exactly. YAML approximately, and on the safe side of real documents: flow
 * collections (`[`, `{` where a value starts, or inside a flow collection) outside quotes and
 * comments, plus block levels (deeper indentation, `- ` entries); block scalars (`|`, `>`) are
 * text and skipped.
 */

export const MAX_NESTING = 64;

export interface NestingExcess {
  readonly depth: number;
  readonly line: number;
  readonly column: number;
}

/** The first place the text nests deeper than `limit`, or null. */
export function nestingExcess(
  text: string,
  format: 'yaml' | 'json',
  limit = MAX_NESTING,
): NestingExcess | null {
  return format === 'json' ? jsonExcess(text, limit) : yamlExcess(text, limit);
}

function jsonExcess(text: string, limit: number): NestingExcess | null {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    }
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return { depth, line, column: i - lineStart + 1 };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return null;
}

const VALUE_START = new Set([':', '-', '[', '{', ',', '?']);

function yamlExcess(text: string, limit: number): NestingExcess | null {
  const lines = text.split('\n');
  /** Indentation of the enclosing block levels. */
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | null = null;
  /** Inside a block scalar: lines indented more than this are its text. */
  let scalarIndent: number | null = null;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.replace(/\r$/, '');
    const indent = raw.length - raw.trimStart().length;
    const blank = raw.trim() === '' || raw.trimStart().startsWith('#');
    if (scalarIndent !== null) {
      if (blank || indent > scalarIndent) continue;
      scalarIndent = null;
    }
    if (blank && quote === null) continue;
    if (flow === 0 && quote === null) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    let prev = '';
    let entries = 0;
    for (let i = indent; i < raw.length; i++) {
      const c = raw[i]!;
      if (quote) {
        if (quote === '"' && c === '\\') i++;
        else if (c === quote) {
          if (quote === "'" && raw[i + 1] === "'") i++;
          else quote = null;
        }
        continue;
      }
      if (c === ' ' || c === '\t') continue;
      if (c === '#' && (i === 0 || raw[i - 1] === ' ' || raw[i - 1] === '\t')) break;
      const atValue = prev === '' || VALUE_START.has(prev);
      if ((c === '"' || c === "'") && atValue) quote = c;
      else if ((c === '[' || c === '{') && (flow > 0 || atValue)) flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      else if (
        c === '-' &&
        (prev === '' || (prev === '-' && entries > 0)) &&
        flow === 0 &&
        (raw[i + 1] ?? ' ') === ' '
      )
        entries++;
      const depth = indents.length + entries + flow;
      if (depth > limit) return { depth, line: n + 1, column: i + 1 };
      prev = c;
    }
    // `key: |` or `- >-`: what follows, indented deeper, is text.
    if (flow === 0 && quote === null && /(^|[:-]\s)[|>][0-9+-]*\s*(#.*)?$/.test(raw.trim()))
      scalarIndent = indent;
  }
  return null;
}
