import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A verified webhook body, stored byte for byte before Meta gets its 200. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDelivery {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('text')
  provider: string;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;

  @Column('bytea')
  body: Buffer;

  @Column('timestamptz', { name: 'processed_at', nullable: true })
  processedAt: Date | null;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  /**
   * Phone number ids whose own app secret signed the body; null when the
   * deployment's secret did (trusted for every number).
   */
  @Column('text', { name: 'signed_for', array: true, nullable: true })
  signedFor: string[] | null;

  /**
   * `pending` until processed; `processed` (items that could not be applied
   * are in `notes`); `parked` after its attempts failed on a passing fault;
   * `rejected` when the body is beyond the webhook limits (never processed).
   */
  @Column('text', { default: 'pending' })
  status: 'pending' | 'processed' | 'parked' | 'rejected';

  /** Items that were skipped while processing, with the reason. */
  @Column('jsonb', { default: [] })
  notes: unknown[];
}
