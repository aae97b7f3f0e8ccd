import type { CrmError } from './crm-error';

/** The contact fields Parley keeps in step with a CRM (the same four for every connector). */
export const SYNCED_FIELDS = ['firstName', 'lastName', 'email', 'phone'] as const;
export type SyncedField = (typeof SYNCED_FIELDS)[number];
export type ContactFields = Record<SyncedField, string | null>;

export type CrmProvider = 'hubspot' | 'salesforce' | 'zoho';

/** A contact as a CRM holds it, in Parley's field names. */
export interface RemoteContact {
  /** The CRM's object (`contacts`, `Contact`, `Lead`…) and id. */
  type: string;
  id: string;
  fields: ContactFields;
  /** The CRM's last-modified time of the record, in epoch ms. */
  modifiedAt: number;
}

export interface RemoteRef {
  type: string;
  id: string;
}

/** One linked record's fields for a batch write. */
export interface RecordUpdate {
  ref: RemoteRef;
  fields: Partial<ContactFields>;
}

/** What the CRM said about one record of a batch write: its new modified time when told, or why it refused it. */
export type RecordWriteOutcome = { ok: true; modifiedAt: number | null } | { ok: false; error: CrmError };

/** Where a pull of changes stopped; stored as JSON so a crashed sync resumes from it. */
export interface SyncCursor {
  /** initial: the full list in the CRM's id/page order; incremental: records modified since `since`. */
  phase: 'initial' | 'incremental';
  /** The CRM's own paging token for the initial list. */
  after?: string;
  /** Epoch ms: changes at or after this are read by the next incremental pull. */
  since?: number;
  /** During the initial phase: the newest modified time seen, where the incremental phase starts. */
  maxSeen?: number;
}

export interface PullPage {
  contacts: RemoteContact[];
  cursor: SyncCursor;
  /** True when nothing more is waiting now (the caller stops until the next poll). */
  caughtUp: boolean;
}

/** The calls left in the CRM's allowance, as its answers last told (null when the CRM does not say). */
export interface QuotaSnapshot {
  /** Calls left in the daily / 24-hour allocation. */
  dailyRemaining: number | null;
  dailyMax: number | null;
  /** Calls left in the short burst window (HubSpot's 10 s). */
  burstRemaining: number | null;
  /** Calls this process made (Zoho sends no usage header, so its connector counts). */
  callsMade: number;
  observedAt: string | null;
}

export interface ChatLine {
  at: string;
  direction: 'in' | 'out';
  text: string;
}

export interface ActivityBatch {
  /** Stable for the batch: a retried batch is found by it instead of being logged twice. */
  key: string;
  conversationTitle: string;
  lines: ChatLine[];
}

/**
 * What the sync and the flow nodes need from a CRM. Each connector turns
 * these into its CRM's HTTP contract: auth, field mapping, limits, errors.
 */
export interface CrmConnector {
  readonly provider: CrmProvider;
  /** Checks the credentials with a cheap call; returns a label for the account. */
  test(): Promise<{ account: string }>;
  /** The contact with this E.164 number, or null. Several matches raise an `ambiguous` CrmError. */
  findByPhone(e164: string): Promise<RemoteContact | null>;
  get(ref: RemoteRef): Promise<RemoteContact | null>;
  /** Several records of one type in one call (at most `batchLimit`); ids the CRM does not have are left out. */
  getMany(type: string, ids: readonly string[]): Promise<RemoteContact[]>;
  create(fields: ContactFields): Promise<RemoteContact>;
  /** Writes the fields; answers the record's new modified time when the CRM tells it (else null). */
  update(ref: RemoteRef, fields: Partial<ContactFields>): Promise<{ modifiedAt: number | null }>;
  /** The most records one batch write takes (HubSpot and Zoho 100, Salesforce 200). */
  readonly batchLimit: number;
  /**
   * Writes up to `batchLimit` linked records in one call of the CRM's batch
   * API; one outcome per update, in order. A record the CRM refuses is that
   * record's error alone; a failure of the whole call (limits, outage, auth)
   * is thrown.
   */
  updateMany(updates: readonly RecordUpdate[]): Promise<RecordWriteOutcome[]>;
  /** One page of changes after the cursor. */
  pull(cursor: SyncCursor): Promise<PullPage>;
  /** Logs a conversation batch as the CRM's activity type (HubSpot WhatsApp communication, Salesforce Task, Zoho Note). */
  logActivity(ref: RemoteRef, batch: ActivityBatch): Promise<{ id: string }>;
  /** The activity logged for `batchKey`, found by the marker it carries (a retry looks before logging again). */
  findActivity(batchKey: string): Promise<{ id: string } | null>;
  createDeal(ref: RemoteRef, deal: { title: string; stage: string; amount: number | null }): Promise<{ id: string }>;
  createTask(ref: RemoteRef, task: { title: string; notes: string; dueAt: Date | null }): Promise<{ id: string }>;
  /** A note on the record (HubSpot note, Zoho Note, Salesforce completed Task: the simulator and many orgs have no Note object). */
  addNote(ref: RemoteRef, note: { text: string; at: Date }): Promise<{ id: string }>;
  quota(): QuotaSnapshot;
}
