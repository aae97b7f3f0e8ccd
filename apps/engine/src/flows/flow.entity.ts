import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'flows' })
export class Flow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  description: string;

  /** The draft flow document (flow-core JSON); edited freely, never run. */
  @Column('jsonb')
  draft: Record<string, unknown>;

  /** Version token of the draft: a save must name the revision it edited. */
  @Column('integer', { name: 'draft_revision', default: 1 })
  draftRevision: number;

  @Column('uuid', { name: 'published_version_id', nullable: true })
  publishedVersionId: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column('uuid', { name: 'updated_by', nullable: true })
  updatedBy: string | null;

  /** Set while the flow is archived: out of the list, unpublished, read-only until restored. */
  @Column('timestamptz', { name: 'archived_at', nullable: true })
  archivedAt: Date | null;

  @Column('uuid', { name: 'archived_by', nullable: true })
  archivedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
