import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StepStatus } from './execution-status';

/** One node run inside an execution: what went in, what came out, which branch, how long. */
@Entity({ name: 'execution_steps' })
export class ExecutionStep {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'execution_id' })
  executionId: string;

  @Column('integer')
  sequence: number;

  @Column('text', { name: 'node_id' })
  nodeId: string;

  @Column('text', { name: 'node_type' })
  nodeType: string;

  @Column('integer', { name: 'node_type_version' })
  nodeTypeVersion: number;

  @Column('text')
  status: StepStatus;

  /** How many times the run had entered this node before (loops through waits). */
  @Column('integer', { default: 0 })
  visit: number;

  @Column('integer', { default: 1 })
  attempt: number;

  @Column('jsonb', { default: {} })
  input: Record<string, unknown>;

  @Column('jsonb', { nullable: true })
  output: Record<string, unknown> | null;

  /** The named output followed after this step ("next", "true", ...). */
  @Column('text', { name: 'output_name', nullable: true })
  outputName: string | null;

  /** Why the branch was taken (a condition's values, a split's roll) and personalisation that fell back. */
  @Column('jsonb', { nullable: true })
  decision: Record<string, unknown> | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage: string | null;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('integer', { name: 'duration_ms', nullable: true })
  durationMs: number | null;
}
