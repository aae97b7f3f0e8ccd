import { distance } from 'fastest-levenshtein';

/** What the duplicate rules read of a contact. */
export interface DuplicateSubject {
  id: string;
  phoneE164: string | null;
  email: string | null;
  name: string | null;
  waId: string | null;
  bsuid: string | null;
  /** Former WhatsApp ids and BSUIDs (contact_identity_history). */
  formerIdentities: readonly string[];
  /** SKUs bought, with when. */
  purchases: readonly { sku: string; at: Date }[];
}

export type DuplicateReason =
  | { kind: 'same_phone'; value: string }
  | { kind: 'same_email'; value: string }
  | { kind: 'same_whatsapp_identity'; value: string }
  | { kind: 'similar_name_same_sku'; similarity: number; sku: string; daysApart: number };

export interface DuplicatePair {
  /** The smaller id first, so a pair has one spelling. */
  aId: string;
  bId: string;
  reasons: DuplicateReason[];
  score: number;
  /** Same WhatsApp id or BSUID: merged without asking a person. */
  exactIdentity: boolean;
}

export const NAME_SIMILARITY_THRESHOLD = 0.8;
export const SAME_SKU_WINDOW_DAYS = 90;

const REASON_WEIGHT: Record<DuplicateReason['kind'], number> = {
  same_whatsapp_identity: 1,
  same_phone: 0.95,
  same_email: 0.9,
  similar_name_same_sku: 0.7,
};

/** A name compared without case, accents, punctuation or extra spaces. */
export function normalizeName(name: string | null): string {
  if (!name) return '';
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** 1 for the same name, 0 for nothing in common: 1 - Levenshtein distance / the longer length. */
export function nameSimilarity(a: string | null, b: string | null): number {
  const x = normalizeName(a);
  const y = normalizeName(b);
  if (x === '' || y === '') return 0;
  const longer = Math.max(x.length, y.length);
  return 1 - distance(x, y) / longer;
}

/** The closest purchases of one SKU by both, when within the window. */
function sharedPurchase(a: DuplicateSubject, b: DuplicateSubject): { sku: string; daysApart: number } | null {
  let best: { sku: string; daysApart: number } | null = null;
  for (const p of a.purchases) {
    for (const q of b.purchases) {
      if (p.sku !== q.sku) continue;
      const daysApart = Math.abs(p.at.getTime() - q.at.getTime()) / 86_400_000;
      if (daysApart <= SAME_SKU_WINDOW_DAYS && (best === null || daysApart < best.daysApart)) best = { sku: p.sku, daysApart };
    }
  }
  return best === null ? null : { sku: best.sku, daysApart: Math.round(best.daysApart * 10) / 10 };
}

/**
 * Why two contacts look like one customer, and how sure that is (0..1; the
 * reasons' weights combined as independent evidence), or null when nothing
 * matches. Pure: the scan and the check on new contacts only fetch subjects.
 */
export function compareContacts(a: DuplicateSubject, b: DuplicateSubject): DuplicatePair | null {
  if (a.id === b.id) return null;
  const reasons: DuplicateReason[] = [];
  const identitiesA = new Set([a.waId, a.bsuid, ...a.formerIdentities].filter((v): v is string => v !== null));
  const sharedIdentity = [b.waId, b.bsuid, ...b.formerIdentities].find((v) => v !== null && identitiesA.has(v));
  if (sharedIdentity) reasons.push({ kind: 'same_whatsapp_identity', value: sharedIdentity });
  if (a.phoneE164 !== null && a.phoneE164 === b.phoneE164) reasons.push({ kind: 'same_phone', value: a.phoneE164 });
  const emailA = a.email?.trim().toLowerCase() || null;
  if (emailA !== null && emailA === (b.email?.trim().toLowerCase() || null)) reasons.push({ kind: 'same_email', value: emailA });
  const similarity = nameSimilarity(a.name, b.name);
  if (similarity >= NAME_SIMILARITY_THRESHOLD) {
    const shared = sharedPurchase(a, b);
    if (shared) reasons.push({ kind: 'similar_name_same_sku', similarity: Math.round(similarity * 1000) / 1000, ...shared });
  }
  if (reasons.length === 0) return null;
  const miss = reasons.reduce((product, reason) => product * (1 - REASON_WEIGHT[reason.kind]), 1);
  const [aId, bId] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
  return {
    aId,
    bId,
    reasons,
    score: Math.round((1 - miss) * 1000) / 1000,
    exactIdentity: sharedIdentity !== undefined,
  };
}
