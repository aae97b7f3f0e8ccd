import type { Logger } from '@nestjs/common';

/**
 * Runs a background job every interval, never two runs at once: a run that
 * outlasts the interval makes the next ticks skip instead of piling up. A
 * failed run is logged and the next tick tries again. The timer does not keep
 * the process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly logger: Logger,
    /** What the log says when a run fails, e.g. "Sweep failed". */
    private readonly failure: string,
  ) {}

  start(intervalMs: number, work: () => Promise<void>): void {
    this.stop();
    this.timer = setInterval(() => void this.run(work), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs `work` now, unless a run is already in progress. */
  async run(work: () => Promise<void>): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await work();
    } catch (error) {
      this.logger.warn(`${this.failure}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
