import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An inbound event (message, status, CRM event, tick), stored once per source id. */
@Entity({ name: 'events' })
export class EventRecord {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'contact_id', nullable: true })
  contactId: string | null;

  @Column('text')
  type: string;

  @Column('text')
  source: string;

  @Column('text', { name: 'source_id' })
  sourceId: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('timestamptz', { name: 'processed_at', nullable: true })
  processedAt: Date | null;
}
