/**
 * Bounded concurrency for the walk: `run` waits for a free slot before starting a task, so a producer iterating pages
 * is held back while the pool is full and memory stays flat however large the workspace is. The first failure is kept
 * and re-thrown by `drain` (and by later `run` calls) so one fatal error stops the walk.
 */
export class TaskPool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** Starts `task` once a slot is free; resolves when it has started (not finished). */
  async run(task: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.throwIfFailed();
    this.active++;
    const promise = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.active--;
        this.running.delete(promise);
        this.waiting.shift()?.();
      });
    this.running.add(promise);
  }

  /** Waits for every started task; throws the first failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
    this.throwIfFailed();
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
