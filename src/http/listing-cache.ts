/**
 * Whole listings cached against the engine's state version: while nothing changed, a listing is
 * served from memory. Derived times (a next run that has just passed) bound the age to `maxAgeMs`.
 */
export class ListingCache<T> {
  private entry: { version: string; at: number; value: T } | null = null;
  private building: Promise<T> | null = null;

  constructor(
    private readonly version: () => string | null,
    private readonly maxAgeMs = 1_000,
  ) {}

  async get(build: () => Promise<T>): Promise<T> {
    const version = this.version();
    if (version === null) return build();
    const now = Date.now();
    const hit = this.entry;
    if (hit && hit.version === version && now - hit.at < this.maxAgeMs) return hit.value;
    // Concurrent misses share one build.
    this.building ??= build().finally(() => (this.building = null));
    const value = await this.building;
    this.entry = { version, at: now, value };
    return value;
  }
}

/** A few listings (pages) at once, each cached like `ListingCache`; least recently built first out. */
export class KeyedListingCache<T> {
  private readonly pages = new Map<string, ListingCache<T>>();

  constructor(
    private readonly version: () => string | null,
    private readonly maxPages = 32,
  ) {}

  get(key: string, build: () => Promise<T>): Promise<T> {
    let page = this.pages.get(key);
    if (!page) {
      if (this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value!);
      page = new ListingCache<T>(this.version);
      this.pages.set(key, page);
    }
    return page.get(build);
  }
}
