/**
 * Prometheus `/metrics`: runs by outcome, run duration and fire lateness, running runs, decisions
 * by kind, supervisor kills, engine info. Counters follow the event feed from the moment the
 * server started (Prometheus handles the reset on restart); gauges are read at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { App } from '../app.js';
import type { FeedItem } from '../services/events.js';
import type { FeedHub } from './feed-hub.js';

const SECONDS = [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200];
const LATENESS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private stop: (() => void) | null = null;
  private readonly runs: Counter<'status'>;
  private readonly duration: Histogram<'status'>;
  private readonly lateness: Histogram;
  private readonly decisions: Counter<'decision'>;
  private readonly kills: Counter<'reason'>;

  constructor(private readonly app: App) {
    const registers = [this.registry];
    this.runs = new Counter({
      name: 'goose_flow_runs_total',
      help: 'Runs that ended, by outcome',
      labelNames: ['status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'goose_flow_run_duration_seconds',
      help: 'Run duration, creation to end, by outcome',
      labelNames: ['status'],
      buckets: SECONDS,
      registers,
    });
    this.lateness = new Histogram({
      name: 'goose_flow_fire_lateness_seconds',
      help: 'How late a scheduled occurrence was decided, after its scheduled time',
      buckets: LATENESS,
      registers,
    });
    this.decisions = new Counter({
      name: 'goose_flow_decisions_total',
      help: 'Schedule occurrences, by decision',
      labelNames: ['decision'],
      registers,
    });
    this.kills = new Counter({
      name: 'goose_flow_supervisor_kills_total',
      help: 'Attempts the supervisor stopped, by reason',
      labelNames: ['reason'],
      registers,
    });
    const running = new Gauge({
      name: 'goose_flow_running_runs',
      help: 'Runs not yet ended (pending, running, retrying)',
      labelNames: ['status'],
      registers,
      collect: async () => {
        running.reset();
        for (const status of ['pending', 'running', 'retrying'] as const)
          running.set({ status }, (await app.runs.list({ status, limit: 10_000 })).length);
      },
    });
    new Gauge({
      name: 'goose_flow_engine_info',
      help: 'The engine this server runs on',
      labelNames: ['engine'],
      registers,
    }).set({ engine: app.engine }, 1);
    collectDefaultMetrics({ register: this.registry, prefix: 'goose_flow_process_' });
  }

  /** Follows the event feed from now on. */
  async start(hub: FeedHub): Promise<void> {
    this.stop = await hub.subscribe(
      null,
      () => true,
      (item) => void this.count(item),
    );
  }

  close(): void {
    this.stop?.();
  }

  private async count(item: FeedItem): Promise<void> {
    if (item.kind === 'decision') {
      const d = item.decision;
      this.decisions.inc({ decision: d.decision });
      const late = d.detail.lateMs;
      if (d.source === 'schedule' && typeof late === 'number') this.lateness.observe(late / 1000);
      return;
    }
    const e = item.event;
    if (e.type === 'attempt_cancelled') this.kills.inc({ reason: 'cancel' });
    else if (e.type === 'attempt_timed_out') this.kills.inc({ reason: 'timeout' });
    else if (e.type === 'run_completed') {
      const status = String(e.data.status ?? 'unknown');
      // Read first, then count and observe together: a scrape never sees one without the other.
      const run = await this.app.runs.get(e.runId).catch(() => null);
      this.runs.inc({ status });
      if (run)
        this.duration.observe(
          { status },
          Math.max(0, ((run.endedAt ?? e.at) - run.createdAt) / 1000),
        );
    }
  }
}
