/**
 * The link the Goose desktop app opens a recipe from: `goose://recipe?config=<base64 JSON>`, with
 * `scheduledJob=<id>` so the session is tagged with its schedule (as Goose's own scheduler did).
 */
export function recipeDeepLink(recipe: Readonly<Record<string, unknown>>, jobId: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ id: jobId, activities: [], ...recipe }));
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `goose://recipe?config=${encodeURIComponent(btoa(binary))}&scheduledJob=${encodeURIComponent(jobId)}`;
}
