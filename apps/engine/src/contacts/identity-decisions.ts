/**
 * Which contact a WhatsApp customer is, and what their identifiers become,
 * decided from what the database knows. Pure: the caller reads the facts and
 * applies the decision.
 *
 * The rules, in order of trust:
 * - the BSUID (`user_id`) identifies the person: a known BSUID arriving from a
 *   new number is the same customer, whose number changed;
 * - a number (`wa_id`) belongs to whoever writes from it now: when another
 *   person's BSUID arrives from it, the number was given to someone else, and
 *   it moves to the new person's contact (the old contact keeps it in history);
 * - an identifier a contact gave up still finds that contact for messages sent
 *   before it gave it up (a late delivery from the old number).
 */

export type IdentityField = 'wa_id' | 'bsuid';

export interface KnownContact {
  id: string;
  waId: string | null;
  bsuid: string | null;
}

/** A number or BSUID a contact no longer has, and from when. */
export interface RetiredIdentity {
  contactId: string;
  field: IdentityField;
  value: string;
  endedAt: Date;
}

export type IdentityChange =
  /** The contact's identifier becomes `to`; `from` (when not null) goes into its history. */
  | { kind: 'set'; contactId: string; field: IdentityField; from: string | null; to: string; reason: 'number_changed' | 'user_id_changed' }
  /** The identifier is taken from `contactId`, because another contact (`movedTo`, or the one created) is its owner now. */
  | { kind: 'release'; contactId: string; field: IdentityField; value: string; movedTo: string | null };

export type SenderDecision =
  | { action: 'use'; contactId: string; changes: IdentityChange[]; why: string | null }
  | { action: 'create'; changes: IdentityChange[]; why: string | null };

export interface SenderFacts {
  waId: string | null;
  userId: string | null;
  /** The message's own timestamp. */
  at: Date;
  byBsuid: KnownContact | null;
  byWaId: KnownContact | null;
  /** History entries for the sender's number and BSUID in this workspace. */
  retired: readonly RetiredIdentity[];
}

/** The contact that owned `value` when the message was sent, if it has since given it up. */
function ownerAt(retired: readonly RetiredIdentity[], field: IdentityField, value: string | null, at: Date): RetiredIdentity | null {
  if (value === null) return null;
  let owner: RetiredIdentity | null = null;
  for (const entry of retired) {
    if (entry.field !== field || entry.value !== value || entry.endedAt <= at) continue;
    if (owner === null || entry.endedAt < owner.endedAt) owner = entry;
  }
  return owner;
}

/** Which contact a message from (`waId`, `userId`) belongs to, and how identifiers move for it. */
export function decideSenderContact(facts: SenderFacts): SenderDecision {
  const { waId, userId, at, byBsuid, byWaId, retired } = facts;
  if (byBsuid) {
    if (waId === null || byBsuid.waId === waId) return { action: 'use', contactId: byBsuid.id, changes: [], why: null };
    if (ownerAt(retired, 'wa_id', waId, at)) {
      // Sent from a number the customer (or someone) gave up after the message was written: a late delivery, not a change.
      return { action: 'use', contactId: byBsuid.id, changes: [], why: null };
    }
    const changes: IdentityChange[] = [];
    if (byWaId && byWaId.id !== byBsuid.id) {
      changes.push({ kind: 'release', contactId: byWaId.id, field: 'wa_id', value: waId, movedTo: byBsuid.id });
    }
    changes.push({ kind: 'set', contactId: byBsuid.id, field: 'wa_id', from: byBsuid.waId, to: waId, reason: 'number_changed' });
    return {
      action: 'use',
      contactId: byBsuid.id,
      changes,
      why: byWaId && byWaId.id !== byBsuid.id ? `number ${waId} moved from contact ${byWaId.id} to the contact of its BSUID` : null,
    };
  }
  const late = ownerAt(retired, 'wa_id', waId, at) ?? ownerAt(retired, 'bsuid', userId, at);
  if (late) return { action: 'use', contactId: late.contactId, changes: [], why: null };
  if (byWaId && waId !== null) {
    if (userId === null || byWaId.bsuid === null || byWaId.bsuid === userId) {
      const changes: IdentityChange[] =
        userId !== null && byWaId.bsuid === null
          ? [{ kind: 'set', contactId: byWaId.id, field: 'bsuid', from: null, to: userId, reason: 'user_id_changed' }]
          : [];
      return { action: 'use', contactId: byWaId.id, changes, why: null };
    }
    // Another person (another BSUID) writes from this number now: it was given to someone else.
    return {
      action: 'create',
      changes: [{ kind: 'release', contactId: byWaId.id, field: 'wa_id', value: waId, movedTo: null }],
      why: `number ${waId} now belongs to another BSUID; it moved from contact ${byWaId.id} to a new contact`,
    };
  }
  return { action: 'create', changes: [], why: null };
}

export interface NumberChangeFacts {
  /** The customer before the change: found by the old number, or by the BSUID. */
  contact: (KnownContact & { lastNumberChangeAt: Date | null }) | null;
  oldWaId: string | null;
  newWaId: string;
  /** The BSUID after the change, when the notice carries one. */
  newUserId: string | null;
  /** The contacts holding the new number and the new BSUID now, if any. */
  holderOfNewWaId: KnownContact | null;
  holderOfNewUserId: KnownContact | null;
  at: Date;
}

/**
 * What a `user_changed_number` notice changes: the customer's contact takes the
 * new number (and the new BSUID when given), the old one goes into its history;
 * a contact that already held the new number (made when the customer wrote
 * from it before the notice came) gives it up to the customer's contact.
 */
export function decideNumberChange(facts: NumberChangeFacts): { changes: IdentityChange[]; why: string | null } {
  const { contact, newWaId, newUserId, at } = facts;
  if (!contact) {
    // Already applied (a message under the BSUID moved them first), or a customer never seen under the old number.
    return { changes: [], why: facts.holderOfNewWaId ? null : `number change to ${newWaId} for a customer not known here` };
  }
  if (contact.lastNumberChangeAt !== null && contact.lastNumberChangeAt > at) {
    return { changes: [], why: `number change to ${newWaId} is older than the contact's last number change; kept in the history only` };
  }
  const changes: IdentityChange[] = [];
  if (contact.waId !== newWaId) {
    const holder = facts.holderOfNewWaId;
    if (holder && holder.id !== contact.id) {
      changes.push({ kind: 'release', contactId: holder.id, field: 'wa_id', value: newWaId, movedTo: contact.id });
    }
    changes.push({ kind: 'set', contactId: contact.id, field: 'wa_id', from: contact.waId, to: newWaId, reason: 'number_changed' });
  }
  if (newUserId !== null && contact.bsuid !== newUserId) {
    const holder = facts.holderOfNewUserId;
    if (holder && holder.id !== contact.id) {
      changes.push({ kind: 'release', contactId: holder.id, field: 'bsuid', value: newUserId, movedTo: contact.id });
    }
    changes.push({ kind: 'set', contactId: contact.id, field: 'bsuid', from: contact.bsuid, to: newUserId, reason: 'user_id_changed' });
  }
  const moved = changes.find((c) => c.kind === 'release');
  return { changes, why: moved ? `contact ${moved.contactId} held ${moved.value}; it moved to contact ${contact.id}` : null };
}

/** What a `user_changed_user_id` notice changes: the contact takes the new BSUID, the old one goes into its history. */
export function decideUserIdChange(facts: { contact: KnownContact | null; newUserId: string; holderOfNewUserId: KnownContact | null }): {
  changes: IdentityChange[];
  why: string | null;
} {
  const { contact, newUserId, holderOfNewUserId: holder } = facts;
  if (!contact) return { changes: [], why: `BSUID change to ${newUserId} for a customer not known here` };
  if (contact.bsuid === newUserId) return { changes: [], why: null };
  const changes: IdentityChange[] = [];
  if (holder && holder.id !== contact.id) {
    changes.push({ kind: 'release', contactId: holder.id, field: 'bsuid', value: newUserId, movedTo: contact.id });
  }
  changes.push({ kind: 'set', contactId: contact.id, field: 'bsuid', from: contact.bsuid, to: newUserId, reason: 'user_id_changed' });
  return { changes, why: null };
}
