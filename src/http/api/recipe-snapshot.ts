/** A recipe snapshot as the API answers it (a run's, a schedule's): bounded text, entry first. */

const MAX_RECIPE_TEXT = 256 * 1024;
const MAX_RECIPE_FILES = 50;

function bounded(text: string): { content: string; cut: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_RECIPE_TEXT) return { content: text, cut: false };
  return { content: bytes.subarray(0, MAX_RECIPE_TEXT).toString('utf8'), cut: true };
}

export function snapshotJson(
  path: string,
  hash: string,
  files: readonly { path: string; content: string }[],
) {
  const [entry, ...rest] = files;
  const main = bounded(entry?.content ?? '');
  const others = rest
    .slice(0, MAX_RECIPE_FILES)
    .map((f) => ({ path: f.path, ...bounded(f.content) }));
  return {
    path,
    hash,
    content: main.content,
    truncated: main.cut || others.some((f) => f.cut) || rest.length > MAX_RECIPE_FILES,
    files: others.map((f) => ({ path: f.path, content: f.content })),
  };
}
