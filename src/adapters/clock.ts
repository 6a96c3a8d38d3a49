import type { Clock } from '../engines/ports.js';

/** setTimeout's longest delay (2^31-1 ms, 24.8 days); a longer one fires at once, with a warning. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** setTimeout for any delay: one longer than Node allows is a chain of shorter timers. */
export function longTimeout(fn: () => void, ms: number): LongTimer {
  const due = Date.now() + Math.max(0, ms);
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = due - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = longTimeout(done, ms);
      function done() {
        timer.clear();
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
