import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp, type App } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { defaultDraft } from '../../src/domain/schedule/transfer-draft.js';
import type { Desktop } from '../../src/engines/ports.js';
import { readPids, sandbox, type Sandbox } from '../support/harness.js';

/** A desktop app that is (or is not) running, and remembers what it was asked to open. */
class FakeDesktop implements Desktop {
  opened: string[] = [];
  constructor(
    public running: boolean,
    private readonly fails = false,
  ) {}
  isRunning(): boolean {
    return this.running;
  }
  async open(url: string): Promise<void> {
    if (this.fails) throw new Error('xdg-open exited with code 4');
    this.opened.push(url);
  }
}

let box: Sandbox;
let app: App;
let desktop: FakeDesktop;
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  await app.close();
  box.cleanup();
});

async function open(fake: FakeDesktop): Promise<App> {
  desktop = fake;
  app = await openApp(resolveConfig({ dataDir: box.dataDir }, box.env), box.env, {
    desktop,
    warn: () => undefined,
  });
  return app;
}

async function triggerForeground(recipe: string, mode: 'foreground' | 'background' = 'foreground') {
  await app.schedules.add({ ...defaultDraft('fg', '@yearly', recipe), mode });
  const result = await app.schedules.trigger('fg');
  const run = await result.settled!;
  return app.runs.show(run.id);
}

describe('foreground schedules (Goose desktop app)', () => {
  it('with the desktop app running, hands it the recipe as a goose:// link and starts no goose', async () => {
    await open(new FakeDesktop(true));
    const detail = await triggerForeground(box.recipe('fg.yaml'));
    expect(detail.run.status).toBe('succeeded');
    expect(detail.run.sessionId).toMatch(/^scheduled-fg-fg-\d+$/);
    expect(readPids(box.pidfile)).toEqual([]);
    const [url] = desktop.opened;
    expect(url).toMatch(/^goose:\/\/recipe\?config=.+&scheduledJob=fg$/);
    const config = JSON.parse(
      Buffer.from(decodeURIComponent(/config=([^&]+)/.exec(url!)![1]!), 'base64').toString('utf8'),
    );
    expect(config).toMatchObject({
      id: 'fg',
      title: 'fg.yaml',
      description: 'test recipe',
      prompt: 'do the thing',
    });
    const opened = detail.events.find((e) => e.type === 'opened_in_desktop');
    expect(opened?.data.note).toContain('outcome is not visible to goose-flow');
  });

  it('without the desktop app, falls back to a background run and says why', async () => {
    await open(new FakeDesktop(false));
    const detail = await triggerForeground(box.recipe('fallback.yaml'));
    expect(detail.run.status).toBe('succeeded');
    expect(detail.run.sessionId).toMatch(/^standin_/);
    expect(readPids(box.pidfile)).toHaveLength(1);
    const unavailable = detail.events.find((e) => e.type === 'desktop_unavailable');
    expect(unavailable?.data).toEqual({
      reason: 'the Goose desktop app is not running',
      fallback: true,
    });
  });

  it('a recipe that forbids the fallback fails when the app cannot open it', async () => {
    await open(new FakeDesktop(true, true));
    const recipe = box.recipe(
      'strict.yaml',
      {},
      'schedule:\n  foreground: true\n  fallback_to_background: false\n',
    );
    const detail = await triggerForeground(recipe, 'background');
    expect(detail.run.status).toBe('failed');
    expect(detail.run.error).toBe(
      'foreground run not possible: the Goose desktop app could not open the recipe: xdg-open exited with code 4 (and fallback to background is off)',
    );
    expect(readPids(box.pidfile)).toEqual([]);
  });

  it("the recipe's own schedule block asks for foreground", async () => {
    await open(new FakeDesktop(true));
    const recipe = join(box.root, 'hinted.yaml');
    writeFileSync(
      recipe,
      'title: hinted\ndescription: d\nprompt: p\nschedule:\n  foreground: true\n  fallback_to_background: true\n',
    );
    const detail = await triggerForeground(recipe, 'background');
    expect(detail.run.status).toBe('succeeded');
    expect(desktop.opened).toHaveLength(1);
  });
});
