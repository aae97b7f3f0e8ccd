import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An immutable snapshot of a flow (published, or a draft frozen for a test run); executions pin one. */
@Entity({ name: 'flow_versions' })
export class FlowVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'flow_id' })
  flowId: string;

  /** Published: 1, 2, 3...; test: the draft revision it froze. */
  @Column('integer')
  version: number;

  @Column('text', { default: 'published' })
  kind: 'published' | 'test';

  @Column('jsonb')
  definition: Record<string, unknown>;

  @Column('text', { name: 'trigger_type' })
  triggerType: string;

  @Column('uuid', { name: 'published_by', nullable: true })
  publishedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
