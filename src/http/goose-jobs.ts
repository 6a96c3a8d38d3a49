/**
 * The goose-compatible `/jobs` protocol (../shared/goose-compat.md): what Goose's Rust
 * `TemporalScheduler` client sends to the Go temporal-service, answered through the services.
 * Every answer is HTTP 200 with `{success, message, jobs?, data?}`; failure is in the body.
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { GooseFlowError } from '../domain/errors.js';
import { isTerminal } from '../domain/run-status.js';
import type { Run } from '../domain/run.js';
import { ExecutionMode, type Schedule } from '../domain/schedule/model.js';
import { defaultDraft, draftOf } from '../domain/schedule/transfer-draft.js';
import type { ScheduleRunSummary } from '../services/runs.js';
import { goDuration } from '../domain/duration.js';
import { EncodedBody } from './encoded-body.js';
import { ListingCache } from './listing-cache.js';

/** The Rust client always sends all five keys, unused ones as null: null and missing mean the same. */
export const JobRequest = z.object({
  action: z.string().nullish(),
  job_id: z.string().nullish(),
  cron: z.string().nullish(),
  recipe_path: z.string().nullish(),
  execution_mode: z.string().nullish(),
});
export type JobRequest = z.infer<typeof JobRequest>;

export interface JobStatus {
  id: string;
  cron: string;
  recipe_path: string;
  last_run?: string;
  next_run?: string;
  currently_running: boolean;
  paused: boolean;
  created_at: string;
  execution_mode: string;
  last_manual_run?: string;
}

export interface JobsResponse {
  success: boolean;
  message: string;
  jobs?: JobStatus[];
  data?: Record<string, unknown>;
}

const ACTIONS = [
  'create',
  'delete',
  'pause',
  'unpause',
  'update',
  'list',
  'status',
  'run_now',
  'kill_job',
  'inspect_job',
  'mark_completed',
] as const;

const REQUIRED: Record<string, (keyof JobRequest)[]> = {
  create: ['job_id', 'cron', 'recipe_path'],
  delete: ['job_id'],
  pause: ['job_id'],
  unpause: ['job_id'],
  update: ['job_id', 'cron'],
  status: ['job_id'],
  run_now: ['job_id'],
  kill_job: ['job_id'],
  inspect_job: ['job_id'],
  mark_completed: ['job_id'],
  list: [],
};

/** Goose's monitor sends mark_completed for a job none of whose sessions changed for this long. */
export const GOOSE_STALE_AFTER_MS = 5 * 60_000;

const ok = (message: string, extra: Partial<JobsResponse> = {}): JobsResponse => ({
  success: true,
  message,
  ...extra,
});
const fail = (message: string): JobsResponse => ({ success: false, message });
const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? undefined : new Date(ms).toISOString();

export class GooseJobs {
  private readonly listing: ListingCache<EncodedBody>;

  constructor(private readonly app: App) {
    this.listing = new ListingCache<EncodedBody>(() => app.events.stateVersion());
  }

  /**
   * The response, encoded. Goose polls `list` often: while nothing changed, the bytes of the last
   * listing (and their gzip) are served again.
   */
  async respond(body: unknown): Promise<EncodedBody> {
    // Only a well-formed `list` shares the cached answer; anything else is answered on its own.
    const parsed = JobRequest.safeParse(body);
    if (parsed.success && parsed.data.action === 'list')
      return this.listing.get(async () => EncodedBody.json(await this.handle(parsed.data)));
    return EncodedBody.json(await this.handle(body));
  }

  async handle(body: unknown): Promise<JobsResponse> {
    const parsed = JobRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(
        `invalid request: field '${issue?.path.join('.') || '(body)'}' ${issue?.message ?? ''}`.trim(),
      );
    }
    const req = parsed.data;
    const action = req.action ?? '';
    if (!(ACTIONS as readonly string[]).includes(action)) {
      return fail(
        action
          ? `unknown action '${action}'; known actions: ${ACTIONS.join(', ')}`
          : `missing field 'action'; known actions: ${ACTIONS.join(', ')}`,
      );
    }
    const missing = (REQUIRED[action] ?? []).filter((k) => !req[k]);
    if (missing.length > 0) {
      return fail(`action '${action}' needs ${missing.map((k) => `'${k}'`).join(', ')}`);
    }
    try {
      return await this.run(action as (typeof ACTIONS)[number], req);
    } catch (err) {
      if (err instanceof GooseFlowError) return fail(err.message);
      return fail(`internal error: ${(err as Error).message}`);
    }
  }

  private async run(action: (typeof ACTIONS)[number], req: JobRequest): Promise<JobsResponse> {
    const { schedules, runs } = this.app;
    const id = req.job_id ?? '';
    switch (action) {
      case 'create': {
        const mode = req.execution_mode ?? ExecutionMode.background;
        if (mode !== ExecutionMode.background && mode !== ExecutionMode.foreground)
          return fail(`execution_mode must be 'background' or 'foreground', got '${mode}'`);
        const created = await schedules.add({
          ...defaultDraft(id, req.cron!, req.recipe_path!),
          mode,
        });
        // What this engine does differently than asked (e.g. foreground on Temporal) is said here
        // too: Goose shows the message, not goose-flow's log.
        const notes = schedules.warningsFor(created);
        return ok(`job '${id}' created${notes.length ? `; note: ${notes.join('; ')}` : ''}`);
      }
      case 'delete':
        await schedules.remove(id);
        return ok(`job '${id}' deleted`);
      case 'pause':
        await schedules.pause(id, 'paused from Goose');
        return ok(`job '${id}' paused`);
      case 'unpause':
        await schedules.resume(id, null);
        return ok(`job '${id}' unpaused`);
      case 'update': {
        const current = await schedules.get(id);
        if ((await this.active(id)).length > 0)
          return fail(`job '${id}' is running; update it when the run has ended`);
        await schedules.update(id, { ...draftOf(current), expression: req.cron! });
        return ok(`job '${id}' updated`);
      }
      case 'list': {
        const [all, summaries] = await Promise.all([schedules.list(), runs.scheduleSummaries()]);
        return ok(`${all.length} job(s)`, {
          jobs: await Promise.all(all.map((s) => this.job(s, summaries.get(s.id)))),
        });
      }
      case 'status': {
        // Fresh: from the schedule's own runs, not from a summary.
        const s = await schedules.get(id);
        const recent = await runs.list({ scheduleId: id, limit: 50 });
        return ok(`job '${id}'`, {
          jobs: [
            await this.job(s, {
              lastRunAt: recent[0]?.createdAt ?? null,
              lastManualRunAt: recent.find((r) => r.trigger === 'manual')?.createdAt ?? null,
              active: recent.some((r) => !isTerminal(r.status)),
            }),
          ],
        });
      }
      case 'run_now': {
        // Goose's "Run now" runs it now, whatever runs already (as the Go service did).
        const result = await schedules.trigger(id, 'allow_all');
        if (!result.run) return fail(`job '${id}' was not started: ${result.decision}`);
        return ok(`job '${id}' started`, { data: { session_id: result.run.id } });
      }
      case 'kill_job': {
        await schedules.get(id);
        const active = await this.active(id);
        if (active.length === 0) return fail(`job '${id}' is not running`);
        await Promise.all(active.map((r) => runs.kill(r.id, 'killed from Goose')));
        return ok(`job '${id}' killed (${active.length} run(s) cancelled)`);
      }
      case 'inspect_job': {
        await schedules.get(id);
        // Only a goose process that runs now: a run waiting for a slot or a retry has none.
        const running = await this.withProcess(id);
        const found = running[0];
        if (!found) return fail(`job '${id}' is not running (no goose process of it runs)`);
        const { run, pid, startedAt } = found;
        const elapsedMs = Math.max(0, Date.now() - startedAt);
        return ok(`job '${id}' is running`, {
          data: {
            job_id: id,
            session_id: run.id,
            goose_session_id: run.sessionId,
            process_id: pid,
            start_time: new Date(startedAt).toISOString(),
            running_duration: goDuration(elapsedMs),
            running_duration_seconds: Math.floor(elapsedMs / 1000),
          },
        });
      }
      case 'mark_completed': {
        // Goose's monitor saw no session of the job for 5 minutes and believes it finished: the
        // goose processes of it that still run are stopped (trees killed). A run that waits (for
        // a slot, or between attempts) has run nothing yet: it is never dropped for waiting.
        // An attempt younger than Goose's staleness window cannot have gone stale: Goose's belief
        // is wrong for it (its session may not be written yet), and it is kept too.
        await schedules.get(id);
        const now = Date.now();
        const running = await this.withProcess(id);
        const stale = running.filter((r) => now - r.startedAt >= GOOSE_STALE_AFTER_MS);
        await Promise.all(stale.map((r) => runs.kill(r.run.id, 'marked completed by Goose')));
        const kept = (await this.active(id)).filter((r) => !stale.some((x) => x.run.id === r.id));
        const stopped = stale.length
          ? `${stale.length} stale run(s) stopped`
          : 'no stale goose process of it was running';
        const keptText = kept.length
          ? `; kept ${kept.length} run(s) that wait to start or started within 5 minutes: ${kept.map((r) => r.id).join(', ')}`
          : '';
        return ok(`job '${id}' marked completed (${stopped}${keptText})`);
      }
    }
  }

  private async active(scheduleId: string): Promise<Run[]> {
    const recent = await this.app.runs.list({ scheduleId, limit: 50 });
    return recent.filter((r) => !isTerminal(r.status));
  }

  /** The job's runs whose current attempt has a goose process, with its pid and start. */
  private async withProcess(
    scheduleId: string,
  ): Promise<{ run: Run; pid: number; startedAt: number }[]> {
    const running = (await this.active(scheduleId)).filter((r) => r.status === 'running');
    const found = await Promise.all(
      running.map(async (r) => {
        const detail = await this.app.runs.show(r.id);
        const attempt = detail.attempts.at(-1);
        const pid = detail.live?.pid ?? attempt?.process?.pid ?? null;
        if (pid === null || !attempt || attempt.endedAt !== null) return null;
        return { run: detail.run, pid, startedAt: attempt.startedAt };
      }),
    );
    return found.filter((f) => f !== null);
  }

  private async job(s: Schedule, summary: ScheduleRunSummary | undefined): Promise<JobStatus> {
    const next = this.app.schedules.nextRunAt(s);
    return {
      id: s.id,
      cron: s.spec.expression,
      // What runs, and a path that always exists (the Go service returned its managed copy too):
      // the user's file may move or change, the snapshot does not.
      recipe_path: await this.app.schedules.recipeFileOf(s),
      ...(summary?.lastRunAt ? { last_run: iso(summary.lastRunAt) } : {}),
      ...(next !== null && !s.state.paused ? { next_run: iso(next) } : {}),
      currently_running: summary?.active ?? false,
      paused: s.state.paused,
      created_at: iso(s.createdAt)!,
      execution_mode: s.action.mode,
      ...(summary?.lastManualRunAt ? { last_manual_run: iso(summary.lastManualRunAt) } : {}),
    };
  }
}
