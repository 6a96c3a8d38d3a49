/**
 * Where recipes are checked: in this thread (the CLI, which waits for nothing else), or on a
 * worker thread (the daemon, whose scheduler and HTTP faces must not wait for a large or tangled
 * file). The worker is bounded in memory and time; a recipe that exceeds either is answered as
 * too large or too complex to check, and the worker is replaced.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ErrorKind, GooseFlowError, UsageError } from '../../domain/errors.js';
import { RecipeFileCache, type LoadedRecipe, type LoadRecipeOptions } from './recipe-file.js';
import { loadSourceFile } from './pipeline-file.js';
import type { CheckAnswer, CheckRequest } from './recipe-worker.js';

export interface RecipeChecker {
  load(file: string, options: LoadRecipeOptions): Promise<LoadedRecipe>;
  close(): Promise<void>;
}

export function inThreadChecker(cache = new RecipeFileCache(64, loadSourceFile)): RecipeChecker {
  return {
    load: async (file, options) => cache.load(file, options),
    close: async () => undefined,
  };
}

/** The compiled worker: beside this module, or (run from source, in tests) in this checkout's dist. */
function workerScript(): URL {
  const beside = new URL('./recipe-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../../dist/adapters/recipe/recipe-worker.js', import.meta.url);
}

/** How long one check may take before the worker is stopped and the recipe refused. */
const CHECK_TIMEOUT_MS = 15_000;

export class WorkerChecker implements RecipeChecker {
  private worker: Worker | null = null;
  private nextId = 1;
  private queue: {
    request: CheckRequest;
    resolve: (l: LoadedRecipe) => void;
    reject: (e: Error) => void;
  }[] = [];
  private current: (typeof this.queue)[number] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  load(file: string, options: LoadRecipeOptions): Promise<LoadedRecipe> {
    return new Promise((resolve, reject) => {
      // A relative path means the same from the worker: pass it resolved against our cwd.
      const request = { id: this.nextId++, file, options: { cwd: process.cwd(), ...options } };
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue) q.reject(new Error('the recipe checker was closed'));
    this.queue = [];
    await this.worker?.terminate();
    this.worker = null;
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    this.timer = setTimeout(
      () =>
        this.fail(
          new UsageError(
            `recipe ${next.request.file} could not be checked within ${CHECK_TIMEOUT_MS / 1000} s: it is too large or too complex`,
            { file: next.request.file },
          ),
        ),
      CHECK_TIMEOUT_MS,
    );
    this.spawn().postMessage(next.request);
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerScript(), {
      // A parse that needs more than this is not a recipe: the worker dies, not the daemon.
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    worker.unref();
    worker.on('message', (answer: CheckAnswer) => this.answered(answer));
    worker.on('error', () =>
      this.fail(
        new UsageError(
          `recipe ${this.current?.request.file ?? ''} could not be checked: it is too large or too complex`,
          { file: this.current?.request.file },
        ),
      ),
    );
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
    this.worker = worker;
    return worker;
  }

  private answered(answer: CheckAnswer): void {
    const current = this.current;
    if (!current || current.request.id !== answer.id) return;
    this.settle();
    if ('loaded' in answer) current.resolve(answer.loaded as LoadedRecipe);
    else {
      const e = answer.error;
      const kind = (Object.values(ErrorKind) as string[]).includes(e.kind)
        ? (e.kind as ErrorKind)
        : ErrorKind.environment;
      current.reject(new GooseFlowError(e.code, kind, e.message, { details: e.details }));
    }
    this.pump();
  }

  /** The current check failed (timeout, crash): the worker is replaced, the queue goes on. */
  private fail(error: Error): void {
    const current = this.current;
    this.settle();
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
    current?.reject(error);
    this.pump();
  }

  private settle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
  }
}
