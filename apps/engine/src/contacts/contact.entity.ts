import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'contacts' })
export class Contact {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  /** WhatsApp's id for the user, as Meta returns it (may differ from the dialled number). */
  @Column('text', { name: 'wa_id', nullable: true })
  waId: string | null;

  /** Business-scoped user id, present when the user hides their number behind a username. */
  @Column('text', { nullable: true })
  bsuid: string | null;

  @Column('text', { name: 'phone_e164', nullable: true })
  phoneE164: string | null;

  @Column('text', { name: 'display_name', nullable: true })
  displayName: string | null;

  @Column('text', { name: 'first_name', nullable: true })
  firstName: string | null;

  @Column('text', { name: 'last_name', nullable: true })
  lastName: string | null;

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text', { name: 'time_zone', nullable: true })
  timeZone: string | null;

  @Column('text', { nullable: true })
  locale: string | null;

  @Column('jsonb', { default: {} })
  fields: Record<string, unknown>;

  /** A customer of the WhatsApp simulator (made for test runs): messages to it always go to the simulator. */
  @Column('boolean', { default: false })
  simulated: boolean;

  /** The business number the contact last wrote to; replies go out from it. */
  @Column('uuid', { name: 'whatsapp_number_id', nullable: true })
  whatsappNumberId: string | null;

  /** Timestamp of the contact's last message (opens the 24 h window). */
  @Column('timestamptz', { name: 'last_inbound_at', nullable: true })
  lastInboundAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
