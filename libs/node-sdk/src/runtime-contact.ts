/** The contact an execution runs for, as nodes see it. */
export interface RuntimeContact {
  id: string;
  waId: string | null;
  phoneE164: string | null;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  timeZone: string | null;
  locale: string | null;
  list: string | null;
  tags: readonly string[];
  fields: Readonly<Record<string, unknown>>;
  assignedUserId: string | null;
  /** Consent is kept apart for marketing and for notifications (order updates...). */
  marketingConsent: 'unknown' | 'opted_in' | 'opted_out';
  transactionalConsent: 'unknown' | 'opted_in' | 'opted_out';
  createdAt: Date;
  lastInboundAt: Date | null;
}
