import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractOutput, readLogTail } from '../../src/adapters/goose/step-output.js';
import { MAX_OUTPUT_BYTES } from '../../src/domain/pipeline/model.js';

const header = [
  'starting session | provider: openai model: gpt-4o',
  '    session id: 20250101_1',
  '    working directory: /work',
];

describe('extractOutput, json', () => {
  it('takes the last line as the value', () => {
    const log = [
      ...header,
      'Looking at the repo.',
      '▸ final_output recipe',
      '    output: {"count":2}',
      '',
      '{"count":2,"names":["a","b"]}',
    ].join('\n');
    expect(extractOutput(log, 'json')).toEqual({
      ok: true,
      value: { count: 2, names: ['a', 'b'] },
    });
  });

  it('ignores trailing blank lines, carriage returns and ANSI colour', () => {
    const log = `${header.join('\n')}\n\x1b[2K\x1b[1;32m[1,2,3]\x1b[0m\r\n\n\n`;
    expect(extractOutput(log, 'json')).toEqual({ ok: true, value: [1, 2, 3] });
  });

  it('scans back over stderr noise printed after the JSON', () => {
    const log = [
      ...header,
      '{"ok":true}',
      'WARN telemetry: could not flush',
      '{ not json',
      '"a string is not an output"',
    ].join('\n');
    expect(extractOutput(log, 'json')).toEqual({ ok: true, value: { ok: true } });
  });

  it('says why when there is no JSON, naming the turn limit when goose hit it', () => {
    const plain = extractOutput([...header, 'I did the work.'].join('\n'), 'json');
    expect(plain).toEqual({
      ok: false,
      reason:
        'goose printed no structured output (no JSON line at the end of its output); ' +
        'the recipe declares response.json_schema',
    });
    const log = [
      ...header,
      "I've reached the maximum number of actions I can do without user input.",
    ].join('\n');
    const limited = extractOutput(log, 'json');
    expect(limited.ok).toBe(false);
    if (!limited.ok) expect(limited.reason).toMatch(/turn limit.*maximum number of actions/);
  });

  it("a tool's JSON before goose's turn-limit message is not the final output", () => {
    const log = [
      ...header,
      '▸ shell developer',
      '    command: gh api repos/acme/app',
      '',
      '{"id":1,"name":"app"}',
      '',
      "I've reached the maximum number of actions I can do without user input. Would you like me to continue?",
    ].join('\n');
    const out = extractOutput(log, 'json');
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toMatch(/turn limit/);
  });

  it('hands over valid JSON of another shape than the schema as is (goose validated it)', () => {
    // goose-flow does not check the schema again: a list where an object was declared is handed
    // over, and a reference to one of its fields reads null.
    expect(extractOutput('[1,2]', 'json')).toEqual({ ok: true, value: [1, 2] });
  });

  it('looks only at the last MiB of a larger log', () => {
    const early = '{"early":true}\n';
    // 150 lines (fewer than the backwards scan's 200) of 10 kB: 1.5 MB, beyond the tail.
    const noise = `${'n'.repeat(10_000)}\n`.repeat(150);
    expect(extractOutput(early + noise + '{"late":true}\n', 'json')).toEqual({
      ok: true,
      value: { late: true },
    });
    expect(extractOutput(early + noise.slice(0, 500_000), 'json').ok).toBe(true);
    const noJson = extractOutput(early + noise, 'json');
    expect(noJson.ok).toBe(false);
  });

  it('refuses an output larger than the bound', () => {
    const big = JSON.stringify({ blob: 'x'.repeat(MAX_OUTPUT_BYTES) });
    const result = extractOutput(`${header.join('\n')}\n${big}\n`, 'json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^the step's output is larger than 256 KiB/);
  });
});

describe('extractOutput, text', () => {
  it('takes the text after the last ▸ tool call and its argument lines', () => {
    const log = [
      ...header,
      '▸ text_editor developer',
      '    path: /work/a.md',
      '    command: view',
      '',
      'first thoughts',
      '▸ shell developer',
      '    command: ls -la',
      '',
      'README.md',
      '',
      'The repo has **one** file.',
      'That is all.',
      '',
    ].join('\n');
    expect(extractOutput(log, 'text')).toEqual({
      ok: true,
      value: 'README.md\n\nThe repo has **one** file.\nThat is all.',
    });
  });

  it('takes the text after an old-style ─── tool header', () => {
    const log = [
      ...header,
      '─── shell | developer ──────────────────────────',
      'command: ls',
      '',
      '\x1b[1mDone:\x1b[0m two files.',
    ].join('\n');
    expect(extractOutput(log, 'text')).toEqual({ ok: true, value: 'Done: two files.' });
  });

  it('drops the session header when there was no tool call', () => {
    const log = ['', '● new session · anthropic claude', ...header, '', 'Hello.', 'Bye.', ''];
    expect(extractOutput(log.join('\n'), 'text')).toEqual({ ok: true, value: 'Hello.\nBye.' });
  });

  it('drops the newer session header (status line, then id and directory)', () => {
    const log = '\n  ● new session · anthropic claude\n    20260101_1 · /work/repo\nHi · there.\n';
    expect(extractOutput(log, 'text')).toEqual({ ok: true, value: 'Hi · there.' });
  });

  it('takes a displayed tool result after the last call as part of the text (no delimiter)', () => {
    const log = ['', '  ▸ shell developer', '    command: echo hi', '', 'hi', 'Said hi.'];
    expect(extractOutput(log.join('\n'), 'text')).toEqual({ ok: true, value: 'hi\nSaid hi.' });
  });

  it('gives an empty text when the agent said nothing after its last call', () => {
    const log = [...header, '▸ shell developer', '    command: ls', ''].join('\n');
    expect(extractOutput(log, 'text')).toEqual({ ok: true, value: '' });
  });

  it('refuses a text larger than the bound', () => {
    const log = `${header.join('\n')}\n${'y'.repeat(MAX_OUTPUT_BYTES + 1)}\n`;
    const result = extractOutput(log, 'text');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/larger than 256 KiB/);
  });
});

describe('readLogTail', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'goose-flow-output-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the end of a file larger than the bound, from a line boundary', () => {
    const path = join(dir, 'attempt.log');
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i} é ${'.'.repeat(20)}`);
    writeFileSync(path, lines.join('\n') + '\n{"done":true}\n');
    const tail = readLogTail(path, 4096);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(4096);
    expect(lines).toContain(tail.split('\n')[0]);
    expect(tail.endsWith('line 999 é ' + '.'.repeat(20) + '\n{"done":true}\n')).toBe(true);
    expect(extractOutput(tail, 'json')).toEqual({ ok: true, value: { done: true } });
  });

  it('reads a small file whole', () => {
    const path = join(dir, 'small.log');
    writeFileSync(path, 'a\nb\n');
    expect(readLogTail(path)).toBe('a\nb\n');
  });
});
