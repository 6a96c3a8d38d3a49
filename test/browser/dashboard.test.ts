/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), against a real
 * `serve --port 0` on each engine: what a user sees and does, live, with no reload; axe-core finds
 * no serious or critical violation on any page.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { repoRoot, sandbox, startCli } from '../support/harness.js';
import { writePipeline, writeStepRecipe } from '../support/pipeline-files.js';
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

      // Client-side navigation: the schedule is listed; Run now starts a run.
      await page.getByRole('link', { name: 'Schedules' }).click();
      const row = page.locator('tr[data-schedule="digest"]');
      await row.waitFor();
      // The cron in words, as the API lists it.
      expect(await row.textContent()).toContain('At 03:00 · UTC');
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

      // Re-run starts the same recipe again (POST /runs), opens the new run, which settles.
      const first = page.url();
      await page.getByRole('button', { name: 'Re-run' }).click();
      await expect.poll(() => page.url(), { timeout: 30_000 }).not.toBe(first);
      await page.locator('h1 .status.succeeded').waitFor({ timeout: 60_000 });

      // The runs' trigger and time-range filters (in the URL, as the page sets them).
      await page.goto(`${root}/runs?trigger=backfill`);
      await page.getByText('No run matches.').waitFor();
      await page.goto(`${root}/runs?trigger=manual&within=1h`);
      await page.locator('tr[data-run]').first().waitFor();
      expect(await page.getByLabel('Trigger').inputValue()).toBe('manual');
      await page.goBack();

      // Log lines arrive live: the run page is open while goose writes its last line.
      const gate = join(c().box.root, 'gate');
      await post('/schedules', {
        id: 'gated',
        cron: '0 5 * * *',
        timezone: 'UTC',
        recipe: c().box.recipe('gated.yaml', { wait_file: gate }),
      });
      const gated = (await post('/schedules/gated/trigger', {})) as { run: { id: string } | null };
      await page.goto(`${root}/runs/${encodeURIComponent(gated.run!.id)}`);
      const logBox = page.getByTestId('log');
      await expect
        .poll(() => logBox.textContent(), { timeout: 60_000 })
        .toContain('stand-in line 3 of 3');
      expect(await logBox.textContent()).not.toContain('stand-in: done');
      writeFileSync(gate, '');
      await expect
        .poll(() => logBox.textContent(), { timeout: 60_000 })
        .toContain('stand-in: done');
      await page.locator('h1 .status.succeeded').waitFor({ timeout: 60_000 });

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
      const row = page.locator('tr[data-schedule="from-form"]');
      await row.waitFor();

      // Delete asks first, then the schedule is gone from the list (and from the API).
      page.once('dialog', (d) => void d.accept());
      await row.getByRole('button', { name: 'Delete' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await fetch(`${api}/schedules/from-form`)).status).toBe(404);

      // The recipe page validates a file on the server and shows the verdict.
      await page.getByRole('link', { name: 'Recipes' }).click();
      await page.getByLabel('Recipe path on the server').fill(recipe);
      await page.getByRole('button', { name: 'Validate' }).click();
      await page.getByRole('heading', { name: 'Valid', exact: true }).waitFor();
      await accessible(page, 'recipes');
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  /** Light and dark screenshots of a page (docs/screenshots/<name>-<scheme>.png), axe in both. */
  async function shoot(page: Page, name: string, write: boolean) {
    await accessible(page, `${name} (light)`);
    if (write) await page.screenshot({ path: join(SHOTS, `${name}-light.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await accessible(page, `${name} (dark)`);
    if (write) await page.screenshot({ path: join(SHOTS, `${name}-dark.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  }

  forEachEngineOverHttp('the dashboard pages in depth', (c) => {
    it('ledger fates, pause with note, resume, backfill, ANSI log with search, URL filters', async () => {
      const api = await c().serveHttp();
      const root = api.replace(/\/api\/v1$/, '');
      const write = c().engine === 'embedded';
      const post = async (path: string, body: unknown) => {
        const r = await fetch(api + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(r.status, `${path}: ${await r.clone().text()}`).toBeLessThan(300);
        return r.json();
      };
      // Fires every second; a run takes ~2 s, so the overlap policy skips the occurrences between.
      await post('/schedules', {
        id: 'tick',
        cron: '* * * * * *',
        timezone: 'UTC',
        overlap: 'skip',
        recipe: c().box.recipe('tick.yaml', { ansi: 1, lines: 2, sleep: 2 }),
      });
      const { page, problems } = await open(root, '/schedules/tick');
      await page.getByRole('heading', { name: 'Schedule tick' }).waitFor();

      // The ledger fills in live: started occurrences, then skipped ones, each with its reason.
      const cells = page.locator('.ledger .cell[data-fate]');
      await expect.poll(() => cells.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
      await page.locator('.cell[data-fate="started"]').first().waitFor({ timeout: 60_000 });
      await page.locator('.cell[data-fate="started"]').first().focus();
      await expect
        .poll(() => page.getByTestId('occurrence-detail').textContent())
        .toMatch(/started: run tick\S+ started/);
      await page.locator('tr[data-run] .status.succeeded').first().waitFor({ timeout: 60_000 });

      // Backfill three past seconds (datetime-local is the browser's zone, as is this process's).
      const local = (ms: number) => {
        const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
        return d.toISOString().slice(0, 19);
      };
      const from = Math.floor(Date.now() / 1000) * 1000 - 600_000;
      await page.getByLabel('Backfill from').fill(local(from));
      await page.getByLabel('to', { exact: true }).fill(local(from + 2_000));
      await page.getByRole('button', { name: 'Backfill' }).click();
      await expect
        .poll(() => page.getByTestId('action-result').textContent(), { timeout: 30_000 })
        .toMatch(/Backfill: \d+ occurrence/);

      // Pause with a note, then resume.
      await page.getByLabel('Pause note').fill('maintenance window');
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect
        .poll(() => page.getByTestId('schedule-state').textContent(), { timeout: 30_000 })
        .toBe('paused: maintenance window');
      await shoot(page, 'schedule-detail', write);
      // The schedule's recipe snapshot, opened on demand.
      await page.locator('summary', { hasText: 'Recipe' }).click();
      await expect
        .poll(() => page.getByLabel('Recipe file').textContent(), { timeout: 30_000 })
        .toContain('prompt: do the thing');
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect
        .poll(() => page.getByTestId('schedule-state').textContent(), { timeout: 30_000 })
        .toBe('active');

      // The schedules table: the outcome strip of the last runs.
      await page.getByRole('link', { name: 'Schedules' }).click();
      await page.locator('tr[data-schedule="tick"] .strip .dot').first().waitFor();
      await shoot(page, 'schedules', write);

      // The run page: ANSI colours as styled spans (no escape left), search with next/previous.
      const settled = page
        .locator('tr[data-run]')
        .filter({ has: page.locator('.status.succeeded') });
      await page.goto(`${root}/runs?status=succeeded&schedule=tick`);
      await settled.first().waitFor({ timeout: 60_000 });
      expect(await page.locator('#status').inputValue()).toBe('succeeded');
      expect(await page.locator('tr[data-run] .status:not(.succeeded)').count()).toBe(0);
      await shoot(page, 'runs', write);
      // Filters live in the URL: changing one is a history entry; back restores it.
      await page.locator('#status').selectOption('');
      await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBeNull();
      await page.goBack();
      await expect.poll(() => page.locator('#status').inputValue()).toBe('succeeded');

      await settled.first().locator('td').first().getByRole('link').click();
      const log = page.getByTestId('log');
      await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain('plain again');
      expect(await log.locator('.ansi-fg-1').first().textContent()).toBe('stand-in red error');
      expect(await log.locator('.ansi-bold.ansi-fg-2').first().textContent()).toBe(
        'stand-in bold green ok',
      );
      expect(await log.textContent()).not.toContain('\x1b');
      expect(await log.textContent()).not.toContain('[2K');
      await page.getByLabel('Search').fill('stand-in');
      await expect.poll(() => page.getByTestId('log-matches').textContent()).toMatch(/^1 of \d+$/);
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await expect.poll(() => page.getByTestId('log-matches').textContent()).toMatch(/^2 of \d+$/);
      expect(await log.locator('mark.hit.current').count()).toBe(1);
      await page.getByRole('button', { name: 'Previous', exact: true }).click();
      await expect.poll(() => page.getByTestId('log-matches').textContent()).toMatch(/^1 of \d+$/);
      await shoot(page, 'run', write);

      // The overview: runs per hour by outcome, with its text alternative.
      await page.getByRole('link', { name: 'Overview' }).click();
      await page
        .getByText(/run\(s\) created in the last 24 hours/)
        .first()
        .waitFor();
      expect(await page.locator('svg.chart rect.bar.succeeded').count()).toBeGreaterThan(0);
      await shoot(page, 'overview', write);

      await post('/schedules/tick/pause', {});
      expect(problems).toEqual([]);
      await page.close();
    });

    it('big log: tail, load earlier, download; runs paging and windowing; attempt tabs', async () => {
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
      // 4,000 lines of 100 bytes: 400 KB, more than the 256 KB tail the page opens with.
      await post('/schedules', {
        id: 'big',
        cron: '0 5 * * *',
        timezone: 'UTC',
        recipe: c().box.recipe('big.yaml', { lines: 4000, line_bytes: 100 }),
      });
      await post('/schedules', {
        id: 'small',
        cron: '0 6 * * *',
        timezone: 'UTC',
        recipe: c().box.recipe('small.yaml', { lines: 1 }),
      });
      const big = (await post('/schedules/big/trigger', {})) as { run: { id: string } };
      await post('/schedules/small/trigger', { overlap: 'allow_all' });
      await post('/schedules/small/trigger', { overlap: 'allow_all' });
      // (Counted per schedule: on Temporal the list comes from the server the tests share.)
      const succeeded = async (scheduleId: string) => {
        const r = await fetch(`${api}/runs?status=succeeded&scheduleId=${scheduleId}&limit=100`);
        return ((await r.json()) as { runs: unknown[] }).runs.length;
      };
      await expect.poll(() => succeeded('big'), { timeout: 60_000 }).toBe(1);
      await expect.poll(() => succeeded('small'), { timeout: 60_000 }).toBe(2);

      // Cursor paging, one run a page: next, then previous.
      const { page, problems } = await open(root, '/runs?size=1&schedule=small');
      const rows = page.locator('tr[data-run]');
      await expect.poll(() => rows.count()).toBe(1);
      const first = await rows.first().getAttribute('data-run');
      await page.getByRole('button', { name: 'Next page' }).click();
      await expect.poll(() => rows.first().getAttribute('data-run')).not.toBe(first);
      expect(new URL(page.url()).searchParams.get('cursor')).toBeTruthy();
      await page.getByText('page 2').waitFor();
      await page.getByRole('button', { name: 'Previous page' }).click();
      await expect.poll(() => rows.first().getAttribute('data-run')).toBe(first);
      expect(new URL(page.url()).searchParams.get('cursor')).toBeNull();

      // A long list renders only the rows in view; scrolling brings the oldest (the big run) in.
      // (The table is the same on both engines: checked once, where 30 more runs are quick.)
      if (c().engine === 'embedded') {
        for (let i = 0; i < 30; i++)
          await post('/schedules/small/trigger', { overlap: 'allow_all' });
        await expect
          .poll(
            async () => {
              const r = await fetch(`${api}/runs?status=succeeded&limit=100`);
              return ((await r.json()) as { runs: unknown[] }).runs.length;
            },
            { timeout: 120_000 },
          )
          .toBe(33);
        await page.goto(`${root}/runs?size=200&status=succeeded`);
        await expect
          .poll(() => page.locator('table.windowed').getAttribute('aria-rowcount'))
          .toBe('34');
        expect(await rows.count()).toBeLessThan(33);
        expect(await page.locator(`tr[data-run="${big.run.id}"]`).count()).toBe(0);
        await page.locator('.scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await page.locator(`tr[data-run="${big.run.id}"]`).waitFor();
      }

      // The big log opens at its tail; "Load earlier" reads back to its first line.
      await page.goto(`${root}/runs/${encodeURIComponent(big.run.id)}`);
      const log = page.getByTestId('log');
      await expect.poll(() => log.textContent()).toContain('stand-in line 4000 of 4000');
      expect(await log.textContent()).not.toContain('stand-in line 1 of 4000.');
      await page.getByRole('button', { name: 'Load earlier' }).click();
      await expect.poll(() => log.textContent()).toContain('stand-in line 1 of 4000.');
      await page.getByRole('button', { name: 'Load earlier' }).waitFor({ state: 'detached' });

      // Download saves the whole attempt log, read range by range.
      const detail = (await (
        await fetch(`${api}/runs/${encodeURIComponent(big.run.id)}`)
      ).json()) as { attempts: { log: { bytes: number } }[] };
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download' }).click(),
      ]);
      const saved = readFileSync((await download.path())!);
      expect(saved.length).toBe(detail.attempts[0]!.log.bytes);
      expect(saved.toString('utf8')).toContain('stand-in line 4000 of 4000');

      // A retried run: one tab per attempt, each attempt a bar on the timeline, the reason shown.
      await post('/schedules', {
        id: 'flaky',
        cron: '0 7 * * *',
        timezone: 'UTC',
        retries: 1,
        recipe: c().box.recipe('flaky.yaml', { lines: 1, fail_first: 1 }),
      });
      const flaky = (await post('/schedules/flaky/trigger', {})) as { run: { id: string } };
      await page.goto(`${root}/runs/${encodeURIComponent(flaky.run.id)}`);
      await page.locator('h1 .status.succeeded').waitFor({ timeout: 60_000 });
      await expect.poll(() => page.locator('svg.timeline rect.bar').count()).toBe(2);
      await page.getByRole('tab', { name: 'Attempt 2' }).waitFor();
      expect(await page.getByRole('tab', { name: 'Attempt 2' }).getAttribute('aria-selected')).toBe(
        'true',
      );
      await expect.poll(() => log.textContent()).toContain('stand-in: done');
      await page.getByRole('tab', { name: 'Attempt 1' }).click();
      await expect
        .poll(() => log.textContent())
        .toContain('stand-in: failing with exit code 1 (attempt 1)');
      await accessible(page, 'run with two attempts');
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  it('new from template: the catalogue, a form with its parameters, files written, the schedule linked', async () => {
    const box = sandbox();
    const serve = startCli(['serve', '--port', '0', '--log-format', 'json'], box.env);
    try {
      const root = `http://127.0.0.1:${await listeningPort(serve)}`;
      const { page, problems } = await open(root, '/schedules');
      await page.getByRole('link', { name: 'New from template' }).click();
      await page.getByRole('heading', { name: 'Templates', exact: true }).waitFor();
      await page.locator('li[data-template="repo-digest"]').waitFor();
      expect(await page.locator('li[data-template]').count()).toBeGreaterThanOrEqual(6);
      await accessible(page, 'templates');
      await page.getByRole('link', { name: 'Daily repository digest' }).click();
      await page
        .getByRole('heading', { name: 'New from template: Daily repository digest' })
        .waitFor();

      // No directory: the field says so, nothing is sent.
      const createButton = page.getByRole('button', { name: 'Create from template' });
      await createButton.click();
      const dirField = page.getByLabel('Directory');
      await expect.poll(() => dirField.getAttribute('aria-invalid')).toBe('true');
      expect(await dirField.getAttribute('aria-describedby')).toBe('f-dir-error');
      await accessible(page, 'template form with an error');

      const dir = join(box.root, 'digest');
      await dirField.fill(dir);
      await page.getByLabel('repo (required)').fill(box.root);
      expect(await page.getByLabel('Cron').inputValue()).toBe('0 8 * * *');
      await page.getByLabel('Cron').fill('30 7 * * *');
      await page.getByLabel('Time zone').fill('UTC');
      await createButton.click();
      await page.getByRole('heading', { name: `Written to ${dir}` }).waitFor();
      await page.getByText('Valid, runs headless.').waitFor();
      expect(readFileSync(join(dir, 'repo-digest.yaml'), 'utf8')).toContain('{{ repo }}');
      await page.screenshot({ path: join(SHOTS, 'new-from-template.png'), fullPage: true });
      await accessible(page, 'template written');

      // Again: the files are the same, the schedule id is taken — the error lands at its field.
      await createButton.click();
      const idField = page.getByLabel('Schedule id');
      await expect.poll(() => idField.getAttribute('aria-invalid')).toBe('true');
      await expect
        .poll(() => page.locator('#f-schedule\\.id-error').textContent())
        .toMatch(/already exists/);

      // Another id: created; its link leads to the new schedule, with the cron as edited.
      await idField.fill('digest-2');
      await createButton.click();
      await expect.poll(() => idField.getAttribute('aria-invalid')).toBeNull();
      await page.getByRole('link', { name: 'digest-2', exact: true }).click();
      await page.getByRole('heading', { name: /digest-2/ }).waitFor();
      const created = (await (await fetch(`${root}/api/v1/schedules/digest-2`)).json()) as {
        cron: string;
        timezone: string;
        params: Record<string, string>;
      };
      expect(created).toMatchObject({ cron: '30 7 * * *', timezone: 'UTC' });
      expect(created.params.repo).toBe(box.root);
      // The browser reports the refused request (409) itself; nothing else went wrong.
      expect(problems).toEqual([
        'console: Failed to load resource: the server responded with a status of 409 (Conflict)',
      ]);
      await page.close();
    } finally {
      if (serve.exitCode === null && serve.signalCode === null) serve.kill('SIGTERM');
      await serve.closed;
      box.cleanup();
    }
  });

  // Embedded only: the Temporal engine does not run pipelines yet (its run detail has no steps).
  it('a pipeline run shows as a graph of steps that updates live', async () => {
    const box = sandbox();
    const serve = startCli(['serve', '--port', '0', '--log-format', 'json'], box.env);
    try {
      const root = `http://127.0.0.1:${await listeningPort(serve)}`;
      const start = async (pipeline: string) => {
        const r = await fetch(`${root}/api/v1/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ recipe: join(box.root, pipeline), retries: 0 }),
        });
        expect(r.status, await r.clone().text()).toBe(201);
        return ((await r.json()) as { id: string }).id;
      };
      // collect → review (waits for the gate) → notes, once per item (a fan-out of two).
      const gate = join(box.root, 'gate');
      writeStepRecipe(box.root, 'collect.yaml', { output: 'collected' });
      writeStepRecipe(box.root, 'review.yaml', { directives: { wait_file: gate } });
      writeStepRecipe(box.root, 'notes.yaml', {
        params: { part: 'string' },
        output: 'notes on {{ part }}',
      });
      writePipeline(box.root, 'release.json', {
        name: 'release',
        steps: [
          { id: 'collect', recipe: 'collect.yaml' },
          { id: 'review', needs: ['collect'], recipe: 'review.yaml' },
          {
            id: 'notes',
            needs: ['review'],
            recipe: 'notes.yaml',
            for_each: ['intro', 'changes'],
            params: { part: '${item}' },
          },
        ],
      });
      const id = await start('release.json');
      const { page, problems } = await open(root, `/runs/${encodeURIComponent(id)}`);
      const node = (step: string, status?: string) =>
        page.locator(
          `li.step-node[data-step="${step}"]${status ? `[data-status="${status}"]` : ''}`,
        );
      await node('review', 'running').waitFor({ timeout: 60_000 });
      expect(await node('collect').getAttribute('data-status')).toBe('succeeded');
      expect(await node('notes').getAttribute('data-status')).toBe('waiting');
      // The state in a letter and in words, not in colour alone; the arrows follow `needs`.
      expect(await node('collect').locator('.step-mark').textContent()).toBe('S');
      expect(await node('review').locator('.step-mark').textContent()).toBe('R');
      expect(await node('review').textContent()).toContain('running');
      const edges = await page
        .locator('[data-edge]')
        .evaluateAll((es) => es.map((e) => e.getAttribute('data-edge')));
      expect(edges).toEqual(['collect->review', 'review->notes']);
      await accessible(page, 'a running pipeline run');

      // The gate opens: the graph follows to the end without a reload.
      writeFileSync(gate, '');
      await node('notes', 'succeeded').waitFor({ timeout: 60_000 });
      await page.locator('h1 .status.succeeded').waitFor({ timeout: 60_000 });
      expect(await node('notes').textContent()).toContain('2/2');
      await expect
        .poll(() => page.getByTestId('output').textContent())
        .toContain('"collect": "collected"');
      await shoot(page, 'pipeline-run', false);

      // A node opens its step's run, which names its pipeline run and shows its output.
      await node('collect')
        .getByRole('link', { name: /^collect: succeeded/ })
        .click();
      await expect
        .poll(() => page.getByTestId('step-of').textContent())
        .toBe(`Step collect of pipeline run ${id}`);
      expect(await page.getByTestId('output').textContent()).toBe('collected');
      await accessible(page, 'a step run');
      await page.getByTestId('step-of').getByRole('link').click();
      await node('notes')
        .getByRole('link', { name: /^notes item 1: succeeded/ })
        .click();
      await expect
        .poll(() => page.getByTestId('step-of').textContent())
        .toBe(`Step notes, item 1, of pipeline run ${id}`);

      // The runs list: the pipeline run badged, each step's run tied to it.
      await page.getByRole('link', { name: 'Runs', exact: true }).click();
      await page.locator(`tr[data-run="${id}"] .badge`).filter({ hasText: 'pipeline' }).waitFor();
      expect(await page.locator(`tr[data-run="${id}:notes.1"]`).textContent()).toContain(
        `step notes.1 of ${id}`,
      );
      await accessible(page, 'runs with a pipeline run');

      // A failure: what needed it is skipped, saying why; Resume runs only what is left.
      const fixed = join(box.root, 'fixed');
      writeStepRecipe(box.root, 'check.yaml', { directives: { fail_unless: fixed } });
      writePipeline(box.root, 'checked.json', {
        name: 'checked',
        steps: [
          { id: 'collect', recipe: 'collect.yaml' },
          { id: 'check', needs: ['collect'], recipe: 'check.yaml' },
          {
            id: 'notes',
            needs: ['collect'],
            recipe: 'notes.yaml',
            for_each: ['intro', 'changes', 'thanks'],
            params: { part: '${item}' },
          },
          { id: 'publish', needs: ['check', 'notes'], recipe: 'collect.yaml' },
        ],
      });
      const failed = await start('checked.json');
      await page.goto(`${root}/runs/${encodeURIComponent(failed)}`);
      await page.locator('h1 .status.failed').waitFor({ timeout: 60_000 });
      // (The title's status comes from the event at once; the graph with the refetch after it.)
      await node('publish', 'skipped').waitFor();
      expect(await node('check').getAttribute('data-status')).toBe('failed');
      expect(await node('check').locator('.step-mark').textContent()).toBe('F');
      expect(await node('notes').textContent()).toContain('3/3');
      const reason = 'the pipeline stopped: step check failed';
      expect(await node('publish', 'skipped').getAttribute('title')).toContain(reason);
      await node('publish').getByRole('button').focus();
      await expect.poll(() => page.getByTestId('step-details').textContent()).toContain(reason);
      await accessible(page, 'a failed pipeline run');
      await page.screenshot({ path: join(SHOTS, 'pipeline-run.png'), fullPage: true });
      writeFileSync(fixed, '');
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => page.url(), { timeout: 30_000 }).not.toContain(failed);
      await page.locator('h1 .status.succeeded').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('resume-of').getByRole('link').textContent()).toBe(failed);
      await node('collect').hover();
      await expect
        .poll(() => page.getByTestId('step-details').textContent())
        .toContain(`carried over from ${failed}`);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      if (serve.exitCode === null && serve.signalCode === null) serve.kill('SIGTERM');
      await serve.closed;
      box.cleanup();
    }
  });

  it('works from the keyboard alone: skip link, navigation, an action, a focus always visible', async () => {
    const box = sandbox();
    const serve = startCli(['serve', '--port', '0', '--log-format', 'json'], box.env);
    try {
      const root = `http://127.0.0.1:${await listeningPort(serve)}`;
      const created = await fetch(`${root}/api/v1/schedules`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'keys',
          cron: '0 6 * * *',
          timezone: 'UTC',
          recipe: box.recipe('keys.yaml', { lines: 1 }),
        }),
      });
      expect(created.status).toBe(201);
      const { page, problems } = await open(root, '/');
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return {
            text: el?.textContent?.trim() ?? '',
            outline: el ? getComputedStyle(el).outlineStyle : '',
          };
        });
      // The first Tab reaches the skip link, which is visible when focused.
      await page.keyboard.press('Tab');
      expect((await focused()).text).toBe('Skip to content');
      // Tab to the Schedules link and follow it with Enter.
      for (let i = 0; i < 10 && (await focused()).text !== 'Schedules'; i++)
        await page.keyboard.press('Tab');
      expect((await focused()).text).toBe('Schedules');
      expect((await focused()).outline).not.toBe('none');
      await page.keyboard.press('Enter');
      await page.locator('tr[data-schedule="keys"]').waitFor();
      // Tab to the row's "Run now" and press it: the run is started.
      for (let i = 0; i < 40 && (await focused()).text !== 'Run now'; i++)
        await page.keyboard.press('Tab');
      expect((await focused()).text).toBe('Run now');
      await page.keyboard.press('Enter');
      await expect
        .poll(
          async () =>
            (
              (await (await fetch(`${root}/api/v1/runs?scheduleId=keys`)).json()) as {
                runs: unknown[];
              }
            ).runs.length,
          { timeout: 30_000 },
        )
        .toBe(1);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      if (serve.exitCode === null && serve.signalCode === null) serve.kill('SIGTERM');
      await serve.closed;
      box.cleanup();
    }
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
