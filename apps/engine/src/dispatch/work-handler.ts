import type { WorkItem } from './work-item';

/**
 * Does one unit of work and returns the work it creates. Declared here, below
 * the orchestration layer that implements it, so the dispatchers can run work
 * without importing orchestration/ (imports run one way: orchestration over
 * dispatch).
 */
export abstract class WorkHandler {
  abstract run(item: WorkItem): Promise<WorkItem[]>;
}
