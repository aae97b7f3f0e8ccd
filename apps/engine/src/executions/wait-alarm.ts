import { Injectable } from '@nestjs/common';

type Listener = (dueInMs: number) => void;

/**
 * Tells this process's wait timer that a wait was just written and when it comes due, so a timer
 * that sleeps while nothing is due soon looks again in time. Only the execution store raises it
 * (it alone writes waits); a wait written by another process is found by that timer's next look.
 */
@Injectable()
export class WaitAlarm {
  private readonly listeners = new Set<Listener>();

  /** Calls `listener` for every wait written from now on; returns how to stop. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A wait due `dueInMs` from now (0 or less: due now) was written. */
  written(dueInMs: number): void {
    for (const listener of this.listeners) listener(Math.max(0, dueInMs));
  }
}
