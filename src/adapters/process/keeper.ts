/**
 * Talks to the keeper (keeper.bash): one small bash process per goose-flow process, started on the
 * first attempt, that starts every attempt's goose and outlives goose-flow. goose-flow never forks
 * goose itself, so goose's parent — the keeper's waiter — is alive to record how it ended even
 * when no goose-flow process is (conmon and containerd-shim do the same for containers).
 *
 * The keeper is started with the environment of the first attempt (less what would change bash
 * itself); each request carries only what differs, so a request is a few hundred bytes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ProcessIdentity } from '../../domain/run.js';
import { identify } from './proc.js';

const SCRIPT = fileURLToPath(new URL('./keeper.bash', import.meta.url));
const BASH = '/bin/bash';

/** Variables that would change the keeper's own bash: goose gets them, the keeper does not. */
const BASH_SENSITIVE =
  /^(BASH_ENV|ENV|SHELLOPTS|BASHOPTS|CDPATH|GLOBIGNORE|BASH_XTRACEFD|PS4|POSIXLY_CORRECT|BASH_COMPAT|TMOUT|IFS|HISTFILE)$|^BASH_FUNC_/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface KeeperRequest {
  /** `<n>` of `<n>.log`: the keeper writes `<base>.pid`, `<base>.exit`. */
  readonly base: string;
  readonly logPath: string;
  readonly cwd: string;
  readonly graceMs: number;
  readonly deadlineAt: number;
  readonly env: Readonly<Record<string, string>>;
  readonly command: string;
  readonly args: readonly string[];
}

/** What the keeper answered about one request. */
export type KeeperAnswer =
  | { readonly kind: 'started'; readonly pid: number }
  | { readonly kind: 'failed'; readonly code: string }
  | { readonly kind: 'exited'; readonly status: number }
  | { readonly kind: 'lost'; readonly reason: string };

interface Pending {
  readonly onAnswer: (answer: KeeperAnswer) => void;
  started: boolean;
}

class KeeperProcess {
  readonly identity: ProcessIdentity;
  private readonly child: ChildProcess;
  private readonly pending = new Map<string, Pending>();
  private next = 0;
  private gone = false;

  constructor(readonly env: Readonly<Record<string, string>>) {
    this.child = spawn(BASH, ['--norc', '--noprofile', SCRIPT], {
      env: env as NodeJS.ProcessEnv,
      // Its own session: a terminal's ^C reaches goose-flow, not the keeper.
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.identity = this.child.pid ? identify(this.child.pid) : { pid: -1, startTime: null };
    this.child.on('error', () =>
      this.lose('the keeper could not be started (is /bin/bash there?)'),
    );
    this.child.once('exit', () => {
      this.gone = true;
      // Waiters it already forked answer on the same pipe; one not yet forked never will.
      setTimeout(() => this.lose('the keeper died before it started goose', false), 1_000);
    });
    this.child.stdin?.on('error', () => undefined);
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.answer(line));
    this.child.unref();
    this.refresh();
  }

  get usable(): boolean {
    return !this.gone && this.identity.pid > 0;
  }

  send(fields: readonly string[], onAnswer: (answer: KeeperAnswer) => void): void {
    const id = String(++this.next);
    this.pending.set(id, { onAnswer, started: false });
    this.refresh();
    const all = [id, ...fields];
    this.child.stdin!.write(`${all.length}\0${all.join('\0')}\0`);
  }

  private answer(line: string): void {
    const [kind, id = '', value = ''] = line.split(' ');
    const entry = this.pending.get(id);
    if (!entry) return;
    if (kind === 'started') {
      entry.started = true;
      entry.onAnswer({ kind: 'started', pid: Number(value) });
      return;
    }
    this.pending.delete(id);
    this.refresh();
    if (kind === 'exited') entry.onAnswer({ kind: 'exited', status: Number(value) });
    else entry.onAnswer({ kind: 'failed', code: value });
  }

  private lose(reason: string, all = true): void {
    this.gone = true;
    for (const [id, entry] of this.pending) {
      if (entry.started && !all) continue;
      this.pending.delete(id);
      entry.onAnswer({ kind: 'lost', reason });
    }
    this.refresh();
  }

  /** The pipe keeps goose-flow alive only while an attempt waits for its answer. */
  private refresh(): void {
    const out = this.child.stdout as unknown as { ref?(): void; unref?(): void } | null;
    const stdin = this.child.stdin as unknown as { unref?(): void } | null;
    stdin?.unref?.();
    if (this.pending.size > 0) out?.ref?.();
    else out?.unref?.();
  }
}

/** The environment the keeper runs with: the attempt's, less what would change bash. */
function keeperEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (!BASH_SENSITIVE.test(k)) out[k] = v;
  return out;
}

/** What a request must unset and set to turn the keeper's environment into `env`; null: cannot. */
function envChange(
  base: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>,
): { unset: string[]; set: string[] } | null {
  const unset: string[] = [];
  const set: string[] = [];
  for (const k of Object.keys(base)) {
    if (env[k] !== undefined) continue;
    if (!IDENTIFIER.test(k)) return null;
    unset.push(k);
  }
  for (const [k, v] of Object.entries(env)) {
    if (base[k] === v) continue;
    // Exported bash functions cannot be passed on by name; everything else can.
    if (k.startsWith('BASH_FUNC_')) continue;
    if (!IDENTIFIER.test(k) || v.includes('\0')) return null;
    set.push(`${k}=${v}`);
  }
  return { unset, set };
}

/** The request fields after the id, in keeper.bash's order. */
function fieldsOf(req: KeeperRequest, change: { unset: string[]; set: string[] }): string[] {
  return [
    req.base,
    req.logPath,
    req.cwd,
    String(Math.max(0, Math.ceil(req.graceMs / 1000))),
    String(Math.ceil(req.deadlineAt / 1000)),
    String(change.unset.length),
    ...change.unset,
    String(change.set.length),
    ...change.set,
    req.command,
    ...req.args,
  ];
}

/** One keeper per goose-flow process (a new one when an attempt needs another environment). */
export class Keeper {
  private current: KeeperProcess | null = null;

  /** The keeper that will start `req`, started if need be: recorded with the attempt first. */
  keeperFor(req: KeeperRequest): { identity: ProcessIdentity; start: StartFn } {
    let change = this.current?.usable ? envChange(this.current.env, req.env) : null;
    if (!this.current?.usable || change === null) {
      this.current = new KeeperProcess(keeperEnv(req.env));
      change = envChange(this.current.env, req.env) ?? { unset: [], set: [] };
    }
    const keeper = this.current;
    const fields = fieldsOf(req, change);
    return {
      identity: keeper.identity,
      start: (onAnswer) => keeper.send(fields, onAnswer),
    };
  }
}

export type StartFn = (onAnswer: (answer: KeeperAnswer) => void) => void;
