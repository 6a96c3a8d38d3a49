import { describe, expect, it } from 'vitest';
import { KeyedListingCache, ListingCache } from '../../src/http/listing-cache.js';

describe('listings cached against the state version', () => {
  it('serves the cached listing while the version holds, rebuilds when it changes or ages', async () => {
    let version: string | null = 'v1';
    let builds = 0;
    const cache = new ListingCache<number>(() => version, 60_000);
    const build = async () => ++builds;
    expect(await cache.get(build)).toBe(1);
    expect(await cache.get(build)).toBe(1);
    version = 'v2';
    expect(await cache.get(build)).toBe(2);
    version = null; // an engine without a version: never cached
    expect(await cache.get(build)).toBe(3);
    expect(await cache.get(build)).toBe(4);
    const aging = new ListingCache<number>(() => 'v', 0);
    expect(await aging.get(build)).toBe(5);
    expect(await aging.get(build)).toBe(6);
  });

  it('concurrent misses share one build; pages are cached apart', async () => {
    let builds = 0;
    const cache = new KeyedListingCache<string>(() => 'v');
    const slow = (label: string) => async () => {
      builds++;
      await new Promise((r) => setTimeout(r, 20));
      return label;
    };
    const [a, b] = await Promise.all([cache.get('p1', slow('one')), cache.get('p1', slow('two'))]);
    expect([a, b, builds]).toEqual(['one', 'one', 1]);
    expect(await cache.get('p2', slow('three'))).toBe('three');
    expect(await cache.get('p1', slow('four'))).toBe('one');
  });
});
