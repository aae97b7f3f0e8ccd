import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An immutable published snapshot of a flow; executions pin one. */
@Entity({ name: 'flow_versions' })
export class FlowVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'flow_id' })
  flowId: string;

  @Column('integer')
  version: number;

  @Column('jsonb')
  definition: Record<string, unknown>;

  @Column('text', { name: 'trigger_type' })
  triggerType: string;

  @Column('uuid', { name: 'published_by', nullable: true })
  publishedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
