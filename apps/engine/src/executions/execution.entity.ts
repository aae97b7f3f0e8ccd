import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ExecutionStatus } from './execution-status';

/** One run of a published flow version for one contact. */
@Entity({ name: 'executions' })
export class Execution {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'flow_id' })
  flowId: string;

  @Column('uuid', { name: 'flow_version_id' })
  flowVersionId: string;

  @Column('uuid', { name: 'contact_id', nullable: true })
  contactId: string | null;

  @Column('bigint', { name: 'trigger_event_id', nullable: true })
  triggerEventId: string | null;

  @Column('text')
  status: ExecutionStatus;

  /** The node to run next (or running now); null once finished. */
  @Column('text', { name: 'current_node_id', nullable: true })
  currentNodeId: string | null;

  @Column('jsonb', { default: {} })
  vars: Record<string, unknown>;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage: string | null;

  /** Why it stopped: completed, goal_reached, cancelled, restarted, already_running, paused... */
  @Column('text', { name: 'ended_reason', nullable: true })
  endedReason: string | null;

  /** Why a held execution waits (the pause that holds it). */
  @Column('text', { name: 'hold_reason', nullable: true })
  holdReason: string | null;

  /** Test runs: sends go to the simulator only. */
  @Column('boolean', { name: 'test_mode', default: false })
  testMode: boolean;

  /** Test runs: delays and "wait until" steps pass at once, retries do not wait. */
  @Column('boolean', { name: 'skip_waits', default: false })
  skipWaits: boolean;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
