import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'whatsapp_numbers' })
export class WhatsAppNumber {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('text', { name: 'phone_number_id' })
  phoneNumberId: string;

  @Column('text', { name: 'display_phone_number', default: '' })
  displayPhoneNumber: string;

  @Column('text', { name: 'waba_id', default: '' })
  wabaId: string;

  /** AES-256-GCM sealed access token; never returned by the API. */
  @Column('text', { name: 'access_token_enc', select: false })
  accessTokenEnc: string;

  @Column('timestamptz', { name: 'token_updated_at' })
  tokenUpdatedAt: Date;

  /** AES-256-GCM sealed secret of the number's own Meta app; null: the deployment's WHATSAPP_APP_SECRET signs its webhooks. */
  @Column('text', { name: 'app_secret_enc', nullable: true, select: false })
  appSecretEnc: string | null;

  @Column('timestamptz', { name: 'app_secret_updated_at', nullable: true })
  appSecretUpdatedAt: Date | null;

  /** Meta's last quality event for the number (phone_number_quality_update: UPGRADE, DOWNGRADE, FLAGGED, UNFLAGGED...); null until one came. */
  @Column('text', { name: 'quality_rating', nullable: true })
  qualityRating: string | null;

  /** The account's messaging-limit tier as Meta last reported it (TIER_250, TIER_2K...); null until reported. */
  @Column('text', { name: 'messaging_limit', nullable: true })
  messagingLimit: string | null;

  @Column('timestamptz', { name: 'limits_updated_at', nullable: true })
  limitsUpdatedAt: Date | null;

  @Column('timestamptz', { name: 'templates_synced_at', nullable: true })
  templatesSyncedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
