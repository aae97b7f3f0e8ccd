import type { WorkItem } from './work-item';

/** Hands work to whoever processes it: in-process, or BullMQ workers when Redis is configured. */
export abstract class Dispatcher {
  abstract dispatch(items: readonly WorkItem[]): Promise<void>;
}
