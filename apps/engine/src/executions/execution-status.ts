export const EXECUTION_STATUSES = ['running', 'waiting', 'held', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const STEP_STATUSES = ['running', 'waiting', 'succeeded', 'failed'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
