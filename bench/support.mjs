// What the benchmarks share: a no-op goose, a recipe for it, and percentile statistics.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An executable in `dir` that runs `body` (sh) and exits 0: goose, as cheap as it gets. */
export function noopGoose(dir, body = '') {
  const path = join(dir, 'noop');
  writeFileSync(path, `#!/bin/sh\n${body}${body ? '\n' : ''}exit 0\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A valid headless recipe in `dir`. */
export function noopRecipe(dir, description = 'benchmark') {
  const path = join(dir, 'recipe.yaml');
  writeFileSync(
    path,
    `version: 1.0.0\ntitle: noop\ndescription: ${description}\nprompt: Do nothing.\n`,
  );
  return path;
}

/** The p-th percentile (nearest rank). */
export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export const summary = (xs) =>
  xs.length === 0
    ? { n: 0 }
    : { n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs) };
