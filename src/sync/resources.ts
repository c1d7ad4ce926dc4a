/** Something a run holds open and must release at its end (a session, a second client). */
export interface RunResource {
  close(): Promise<void>;
}

/**
 * Resources that live for one run, opened lazily by the first strategy that needs one (a run that does not read a
 * stream needing it never opens it) and closed by the engine when the run ends: after the final STATE, after a
 * failure, or on an interruption. Concurrent first uses share one opening.
 */
export class RunResources {
  private readonly opened = new Map<string, Promise<RunResource>>();
  private closed = false;

  /** The resource under `key`, opened with `open` on first use. */
  get<T extends RunResource>(key: string, open: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`internal: run resource ${key} used after the run ended`));
    let resource = this.opened.get(key);
    if (resource === undefined) {
      resource = open();
      this.opened.set(key, resource);
      // A failed opening is not cached: the error reaches the caller, and a later call may try again.
      resource.catch(() => {
        if (this.opened.get(key) === resource) this.opened.delete(key);
      });
    }
    return resource as Promise<T>;
  }

  /** Closes every resource opened (in reverse order of opening); the first failure is thrown after all were tried. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const resources = [...this.opened.values()].reverse();
    this.opened.clear();
    let failure: { error: unknown } | undefined;
    for (const pending of resources) {
      try {
        const resource = await pending.catch(() => undefined);
        await resource?.close();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
