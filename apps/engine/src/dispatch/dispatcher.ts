import type { WorkItem } from './work-item';

export interface DispatchOptions {
  /**
   * Work found again by a periodic scan (the sweeper, due waits): at most one
   * such item per kind and id waits in the queue at a time, so a backlog after
   * an outage is not multiplied by every scan until the workers drown in
   * duplicates. Safe because handling an item covers everything pending for it.
   */
  coalesce?: boolean;
}

/** Hands work to whoever processes it: in-process, or BullMQ workers when Redis is configured. */
export abstract class Dispatcher {
  abstract dispatch(items: readonly WorkItem[], options?: DispatchOptions): Promise<void>;
}
