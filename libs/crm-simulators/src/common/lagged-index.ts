interface Version<T> {
  visibleAt: number;
  value: T | null;
}

/**
 * A search index that lags behind the store, as HubSpot's does: every write
 * becomes visible to search only `lag` milliseconds later, and until then
 * search answers with the previous version (or not at all for a new record).
 * A `null` value is a deletion.
 */
export class LaggedIndex<T> {
  private readonly versions = new Map<string, Version<T>[]>();

  put(id: string, value: T | null, visibleAt: number): void {
    const list = this.versions.get(id) ?? [];
    list.push({ visibleAt, value });
    // Writes come in time order but lags may differ: keep the list sorted by visibility.
    list.sort((a, b) => a.visibleAt - b.visibleAt);
    this.versions.set(id, list);
  }

  /** The version search sees now, dropping versions no one can see any more. */
  visible(id: string, now: number): T | null {
    const list = this.versions.get(id);
    if (!list) return null;
    let index = -1;
    for (let i = 0; i < list.length; i += 1) {
      const version = list[i];
      if (version && version.visibleAt <= now) index = i;
    }
    if (index > 0) list.splice(0, index);
    const current = index >= 0 ? list[0] : undefined;
    if (current && current.value === null && list.length === 1) {
      this.versions.delete(id);
      return null;
    }
    return current?.value ?? null;
  }

  *entries(now: number): Generator<[string, T]> {
    for (const id of [...this.versions.keys()]) {
      const value = this.visible(id, now);
      if (value !== null) yield [id, value];
    }
  }

  /** Records not yet visible with their latest version (the control API reports them). */
  pendingCount(now: number): number {
    let pending = 0;
    for (const list of this.versions.values()) if (list.some((version) => version.visibleAt > now)) pending += 1;
    return pending;
  }

  clear(): void {
    this.versions.clear();
  }
}
