/**
 * A real browser for the dashboard tests: Debian's Chromium driven by playwright-core (installed by
 * scripts/ensure-chromium.mjs; `npx playwright install` cannot download here). Under CI=true a
 * missing browser is an error, never a skip.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

export function chromiumPath(): string | null {
  const candidates = process.env.GOOSE_FLOW_CHROMIUM
    ? [process.env.GOOSE_FLOW_CHROMIUM]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .flatMap((dir) => [join(dir, 'chromium'), join(dir, 'chromium-browser')]);
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      /* next */
    }
  }
  if (process.env.CI === 'true')
    throw new Error(
      'CI=true but no chromium was found: `npm test` installs it (scripts/ensure-chromium.mjs: apt-get install -y chromium)',
    );
  return null;
}

export const SKIP_BROWSER_REASON = 'no chromium (apt-get install -y chromium, or run `npm test`)';

export function launchChromium(path: string): Promise<Browser> {
  return chromium.launch({
    executablePath: path,
    // As root (CI here) Chromium refuses to start sandboxed.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

const axeSource: string = (() => {
  const require = createRequire(import.meta.url);
  return (require('axe-core') as { source: string }).source;
})();

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** axe-core on the page as it is: the serious and critical violations (through CDP, past the CSP). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: unknown[];
    }[];
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
}
