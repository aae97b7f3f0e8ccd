import type { WorkItem } from './work-item';

/**
 * Hands work to whoever processes it: in-process, or BullMQ workers when Redis
 * is configured. Both queue an item once while it waits (keyed by kind and
 * id), so re-dispatching (the sweeper and the wait timer rescanning a backlog
 * after an outage, follow-ups, new events for a busy contact) never multiplies
 * the work. Safe because handling an item covers everything pending for it.
 */
export abstract class Dispatcher {
  abstract dispatch(items: readonly WorkItem[]): Promise<void>;
}
