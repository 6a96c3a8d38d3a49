/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), against a real
 * `serve --port 0` on each engine: what a user sees and does, live, with no reload; axe-core finds
 * no serious or critical violation on any page.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { repoRoot, sandbox, startCli } from '../support/harness.js';
import { forEachEngineOverHttp, listeningPort } from '../support/http-engines.js';
import {
  chromiumPath,
  launchChromium,
  seriousViolations,
  SKIP_BROWSER_REASON,
} from '../support/browser.js';

const bin = chromiumPath();
const SHOTS = join(repoRoot, 'docs', 'screenshots');

describe.skipIf(!bin)(`dashboard${bin ? '' : ` — skipped: ${SKIP_BROWSER_REASON}`}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(bin!);
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => browser?.close());

  async function open(root: string, path: string, scheme: 'light' | 'dark' = 'light') {
    const page = await browser.newPage({
      colorScheme: scheme,
      viewport: { width: 1280, height: 800 },
    });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(root + path);
    return { page, problems };
  }

  async function accessible(page: Page, what: string) {
    expect(await seriousViolations(page), `axe on ${what}`).toEqual([]);
  }

  forEachEngineOverHttp('the dashboard', (c) => {
    it('shows the engine, a schedule, its run live, the run with its log; kills a run', async () => {
      const api = await c().serveHttp();
      const root = api.replace(/\/api\/v1$/, '');
      const post = async (path: string, body: unknown) => {
        const r = await fetch(api + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(r.status, `${path}: ${await r.clone().text()}`).toBeLessThan(300);
        return r.json();
      };
      await post('/schedules', {
        id: 'digest',
        cron: '0 3 * * *',
        timezone: 'UTC',
        recipe: c().box.recipe('digest.yaml', { lines: 4 }),
      });

      const { page, problems } = await open(root, '/');
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await expect
        .poll(() => page.getByText(c().engine, { exact: true }).count())
        .toBeGreaterThan(0);
      await accessible(page, 'overview');
      await page.screenshot({ path: join(SHOTS, `overview-${c().engine}.png`) });

      // Client-side navigation: the schedule is listed; Run now starts a run.
      await page.getByRole('link', { name: 'Schedules' }).click();
      const row = page.locator('tr[data-schedule="digest"]');
      await row.waitFor();
      await accessible(page, 'schedules');
      await row.getByRole('button', { name: 'Run now' }).click();

      // The run appears on the Runs page and settles there without a reload.
      await page.getByRole('link', { name: 'Runs', exact: true }).click();
      const run = page.locator('tr[data-run]').first();
      await run.waitFor({ timeout: 60_000 });
      await run.locator('.status.succeeded').waitFor({ timeout: 60_000 });
      await accessible(page, 'runs');

      // Back and forward work; the run page shows its log.
      await page.goBack();
      await page.locator('tr[data-schedule="digest"]').waitFor();
      await page.goForward();
      await page.locator('tr[data-run]').first().locator('td').first().getByRole('link').click();
      await expect
        .poll(() => page.getByTestId('log').textContent(), { timeout: 30_000 })
        .toContain('stand-in line 4 of 4');
      await accessible(page, 'run');

      // A long run is killed from its page and settles as cancelled.
      const long = (await post('/schedules', {
        id: 'long',
        cron: '0 4 * * *',
        timezone: 'UTC',
        recipe: c().box.recipe('long.yaml', { sleep: 120 }),
      })) as { id: string };
      const triggered = (await post(`/schedules/${long.id}/trigger`, {})) as {
        run: { id: string } | null;
      };
      const runId = triggered.run!.id;
      await page.goto(`${root}/runs/${encodeURIComponent(runId)}`);
      await page
        .locator('h1 .status.running')
        .waitFor({ timeout: 60_000 })
        .catch(async (err: Error) => {
          throw new Error(`${err.message}\npage: ${await page.locator('main').innerText()}`);
        });
      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Kill' }).click();
      await page.locator('h1 .status.cancelled').waitFor({ timeout: 60_000 });
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  forEachEngineOverHttp('the schedule form', (c) => {
    it('creates a schedule: an error at its field, fixed, the next fires previewed, then listed', async () => {
      const api = await c().serveHttp();
      const root = api.replace(/\/api\/v1$/, '');
      const recipe = c().box.recipe('form.yaml', {});
      const { page, problems } = await open(root, '/schedules');
      await page.getByRole('link', { name: 'New schedule' }).click();
      await page.getByRole('heading', { name: 'New schedule' }).waitFor();
      await page.getByLabel('Id', { exact: true }).fill('from-form');
      await page.getByLabel('Recipe path').fill(recipe);
      await page.getByLabel('Time zone').fill('Europe/Berlin');
      const cron = page.getByLabel('Cron', { exact: true });
      await cron.fill('61 2 * * *');
      // The preview's error lands at the cron field, and the field points at it.
      await expect.poll(() => cron.getAttribute('aria-invalid')).toBe('true');
      const described = await cron.getAttribute('aria-describedby');
      expect(described).toBe('f-cron-error');
      await expect.poll(() => page.locator('#f-cron-error').textContent()).toMatch(/out of range/);
      await accessible(page, 'schedule form with an error');
      await cron.fill('30 2 * * *');
      await expect.poll(() => cron.getAttribute('aria-invalid')).toBeNull();
      await expect.poll(() => page.locator('.next-fires li').count()).toBe(10);
      expect(await page.locator('.next-fires li time').first().getAttribute('datetime')).toMatch(
        /T02:30:00\+0[12]:00$|T03:00:00\+02:00$/,
      );
      await accessible(page, 'schedule form');
      await page.screenshot({ path: join(SHOTS, `schedule-form-${c().engine}.png`) });
      await page.getByRole('button', { name: 'Create schedule' }).click();
      await page.locator('tr[data-schedule="from-form"]').waitFor();
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  it('asks for the token when the server has one, and says when the server is gone', async () => {
    const box = sandbox();
    const serve = startCli(['serve', '--port', '0', '--log-format', 'json'], {
      ...box.env,
      GOOSE_FLOW_TOKEN: 'tok-123',
    });
    try {
      const root = `http://127.0.0.1:${await listeningPort(serve)}`;
      const { page } = await open(root, '/', 'dark');
      await page.getByRole('heading', { name: 'This server needs its token' }).waitFor();
      await accessible(page, 'token prompt');
      await page.getByLabel('Token').fill('tok-123');
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'overview-dark.png') });
      serve.kill('SIGTERM');
      await serve.closed;
      await page.getByRole('heading', { name: 'The goose-flow server cannot be reached' }).waitFor({
        timeout: 60_000,
      });
      await accessible(page, 'unreachable');
      await page.close();
    } finally {
      if (serve.exitCode === null && serve.signalCode === null) serve.kill('SIGTERM');
      await serve.closed;
      box.cleanup();
    }
  });
});
