import { afterEach, describe, expect, it, vi } from 'vitest';
import { longTimeout, systemClock } from '../../src/adapters/clock.js';

const DAY = 86_400_000;

describe('longTimeout', () => {
  afterEach(() => vi.useRealTimers());

  it('fires a 30-day timer after 30 days, not at once (setTimeout alone would overflow)', () => {
    vi.useFakeTimers({ now: 0 });
    const fired: number[] = [];
    longTimeout(() => fired.push(Date.now()), 30 * DAY);
    vi.advanceTimersByTime(25 * DAY);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(5 * DAY);
    expect(fired).toEqual([30 * DAY]);
  });

  it('can be cleared before it fires, in any link of its chain', () => {
    vi.useFakeTimers({ now: 0 });
    let fired = false;
    const timer = longTimeout(() => (fired = true), 60 * DAY);
    vi.advanceTimersByTime(40 * DAY);
    timer.clear();
    vi.advanceTimersByTime(40 * DAY);
    expect(fired).toBe(false);
  });

  it('lets the clock sleep longer than 24.8 days', async () => {
    vi.useFakeTimers({ now: 0 });
    let woke = false;
    const sleeping = systemClock.sleep(26 * DAY).then(() => (woke = true));
    await vi.advanceTimersByTimeAsync(25 * DAY);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(DAY);
    await sleeping;
    expect(woke).toBe(true);
  });
});
