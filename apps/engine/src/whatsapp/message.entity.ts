import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One WhatsApp message in a conversation, in either direction. */
@Entity({ name: 'messages' })
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'contact_id' })
  contactId: string;

  @Column('uuid', { name: 'whatsapp_number_id' })
  whatsappNumberId: string;

  @Column('text')
  direction: 'inbound' | 'outbound';

  @Column('text')
  wamid: string;

  @Column('text')
  type: string;

  @Column('text', { nullable: true })
  text: string | null;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('text', { nullable: true })
  status: string | null;

  @Column('timestamptz', { name: 'status_at', nullable: true })
  statusAt: Date | null;

  @Column('uuid', { name: 'execution_id', nullable: true })
  executionId: string | null;

  @Column('text', { name: 'node_id', nullable: true })
  nodeId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
