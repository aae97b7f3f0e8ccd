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

  /** The message this one answers or quotes (`context.id`). */
  @Column('text', { name: 'reply_to_wamid', nullable: true })
  replyToWamid: string | null;

  /** For a reaction: the message reacted to. */
  @Column('text', { name: 'reacts_to_wamid', nullable: true })
  reactsToWamid: string | null;

  /** When the customer last edited it (`text` is then the edited text; every edit is in `message_changes`). */
  @Column('timestamptz', { name: 'edited_at', nullable: true })
  editedAt: Date | null;

  /** When the customer deleted it; `text` is then null and the words are kept in `message_changes` for the audit only. */
  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
