/**
 * ANSI escape codes in a log → text segments with style classes. Only SGR colour and bold codes
 * become styles (`ansi-fg-1`, `ansi-bg-4`, `ansi-bold`); every other escape sequence is dropped.
 * The result is plain data: the page renders it as React text, never as HTML.
 */
export interface Segment {
  readonly text: string;
  /** Space-separated class names, or '' for unstyled text. */
  readonly style: string;
}

interface Pen {
  fg: number | null;
  bg: number | null;
  bold: boolean;
}

// CSI sequences (ESC [ … final byte), OSC sequences (ESC ] … BEL or ESC \), other two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-9;?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?/g;

function styleOf(pen: Pen): string {
  const parts: string[] = [];
  if (pen.bold) parts.push('ansi-bold');
  if (pen.fg !== null) parts.push(`ansi-fg-${pen.fg}`);
  if (pen.bg !== null) parts.push(`ansi-bg-${pen.bg}`);
  return parts.join(' ');
}

function apply(pen: Pen, params: string): void {
  const codes = params === '' ? [0] : params.split(';').map((p) => Number(p) || 0);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === 0) {
      pen.fg = null;
      pen.bg = null;
      pen.bold = false;
    } else if (c === 1) pen.bold = true;
    else if (c === 22) pen.bold = false;
    else if (c >= 30 && c <= 37) pen.fg = c - 30;
    else if (c >= 90 && c <= 97) pen.fg = c - 90 + 8;
    else if (c === 39) pen.fg = null;
    else if (c >= 40 && c <= 47) pen.bg = c - 40;
    else if (c >= 100 && c <= 107) pen.bg = c - 100 + 8;
    else if (c === 49) pen.bg = null;
    else if (c === 38 || c === 48) {
      // 256-colour (5;n) keeps the 16 basic colours; true colour (2;r;g;b) is skipped.
      const mode = codes[i + 1];
      const n = codes[i + 2];
      if (mode === 5 && n !== undefined && n < 16) {
        if (c === 38) pen.fg = n;
        else pen.bg = n;
      }
      i += mode === 5 ? 2 : mode === 2 ? 4 : 1;
    }
  }
}

/** Splits `text` into styled segments; adjacent text of the same style is merged. */
export function parseAnsi(text: string): Segment[] {
  const out: Segment[] = [];
  const pen: Pen = { fg: null, bg: null, bold: false };
  let last = 0;
  const push = (chunk: string) => {
    if (!chunk) return;
    const style = styleOf(pen);
    const prev = out[out.length - 1];
    if (prev && prev.style === style) out[out.length - 1] = { text: prev.text + chunk, style };
    else out.push({ text: chunk, style });
  };
  for (const m of text.matchAll(ESCAPE)) {
    push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm') apply(pen, m[1] ?? '');
  }
  push(text.slice(last));
  return out;
}

/** The text without any escape sequence (for search and download-free copying). */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, '');
}
