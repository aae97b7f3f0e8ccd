import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type SideEffectStatus = 'pending' | 'succeeded' | 'failed' | 'unknown';

/**
 * An outbound call (WhatsApp send, CRM write) recorded under its idempotency
 * key before it is made, so it happens at most once per (execution, node).
 */
@Entity({ name: 'side_effects' })
export class SideEffect {
  @PrimaryColumn('text', { name: 'idempotency_key' })
  idempotencyKey: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'execution_id', nullable: true })
  executionId: string | null;

  @Column('text', { name: 'node_id', nullable: true })
  nodeId: string | null;

  @Column('text')
  kind: string;

  @Column('text')
  status: SideEffectStatus;

  @Column('jsonb')
  request: Record<string, unknown>;

  @Column('jsonb', { nullable: true })
  result: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
