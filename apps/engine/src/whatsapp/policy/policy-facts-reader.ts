import { z } from 'zod';
import { type SqlExecutor, sqlRow } from '../../database/sql-rows';
import { preparedSqlRow } from '../../runtime/prepared-sql';
import type { MessagingPolicy } from './messaging-policy';
import type { PolicyFacts, PolicySend } from './policy-facts';
import { DAY_MS } from './policy-rule';

const consent = z.enum(['unknown', 'opted_in', 'opted_out']);
const contactRow = z.object({
  wa_id: z.string(),
  phone_e164: z.string().nullable(),
  time_zone: z.string().nullable(),
  last_inbound_at: z.date().nullable(),
  marketing_consent: consent,
  marketing_consent_source: z.string().nullable(),
  transactional_consent: consent,
  transactional_consent_source: z.string().nullable(),
});
const historyRow = z.object({
  last_outbound_at: z.date().nullable(),
  last_marketing_at: z.date().nullable(),
  templates_last_24h: z.number(),
  last_template_at: z.date().nullable(),
  same_content_30d: z.number(),
  last_same_notification_at: z.date().nullable(),
});
const templateRow = z.object({
  status: z.string(),
  category: z.string(),
  body_parameters: z.number(),
  header_parameters: z.number(),
  button_parameters: z.number(),
});
const syncedRow = z.object({ synced: z.boolean() });
/** A row with `POLICY_CONTACT_COLUMNS` (a contact with a WhatsApp id). */
export const policyContactRow = contactRow.extend(historyRow.shape);

/**
 * What identifies "the same notification" for spacing: the message with its
 * parameters. The same shipping update twice is spam; a confirmation of a
 * second order is news and must not wait 6 h behind the first.
 */
export function notificationKey(send: PolicySend): string {
  return `content:${send.contentHash}`;
}

/** What `readPolicyFacts` needs to know about the send and the workspace. */
export interface PolicyFactsInput {
  workspaceId: string;
  contactId: string;
  numberId: string;
  send: PolicySend;
  now: Date;
  policy: MessagingPolicy;
  defaultTimeZone: string;
}

/**
 * The contact's outbound history as one aggregate row (it always answers one), for a statement that has the
 * contact as `c`; parameters $3 to $7 are `historyParameters`' (the caller's own start at $8).
 */
export const HISTORY_LATERAL = `
  CROSS JOIN LATERAL (
    SELECT max(occurred_at) AS last_outbound_at,
           max(occurred_at) FILTER (WHERE category = 'marketing' AND origin = 'flow') AS last_marketing_at,
           count(*) FILTER (WHERE type = 'template' AND origin = 'flow' AND occurred_at > $3)::int AS templates_last_24h,
           max(occurred_at) FILTER (WHERE type = 'template' AND origin = 'flow') AS last_template_at,
           count(*) FILTER (WHERE content_hash = $5 AND origin = 'flow' AND occurred_at > $4)::int AS same_content_30d,
           max(occurred_at) FILTER (WHERE category = 'utility' AND notification_key = $6 AND origin = 'flow') AS last_same_notification_at
      FROM messages
     WHERE contact_id = c.id AND direction = 'outbound' AND occurred_at > $7) h`;

/** The contact's columns the rules read, for a statement that has the contact as `c`. */
export const POLICY_CONTACT_COLUMNS = `c.wa_id, c.phone_e164, c.time_zone, c.last_inbound_at, c.marketing_consent, c.marketing_consent_source,
            c.transactional_consent, c.transactional_consent_source, h.*`;

/** $1 the contact, $2 the workspace, $3 to $7 for `HISTORY_LATERAL`. */
export function historyParameters(input: PolicyFactsInput): unknown[] {
  const { workspaceId, contactId, send, now, policy } = input;
  const lookBackMs = Math.max(30, policy.marketingMinDaysApart) * DAY_MS;
  return [
    contactId,
    workspaceId,
    new Date(now.getTime() - DAY_MS),
    new Date(now.getTime() - 30 * DAY_MS),
    send.contentHash,
    notificationKey(send),
    new Date(now.getTime() - lookBackMs),
  ];
}

type PolicyContactRow = z.infer<typeof policyContactRow>;

/** Reads the facts the rules judge a send by: the contact, their sends so far, the template. */
export async function readPolicyFacts(dataSource: SqlExecutor, input: PolicyFactsInput): Promise<Omit<PolicyFacts, 'pause'> | null> {
  // The contact and its outbound history in one round trip. Prepared: it runs for every send (issue 12).
  const contact = await preparedSqlRow(
    dataSource,
    policyContactRow,
    `SELECT ${POLICY_CONTACT_COLUMNS}
       FROM contacts c ${HISTORY_LATERAL}
      WHERE c.id = $1 AND c.workspace_id = $2 AND c.wa_id IS NOT NULL`,
    historyParameters(input),
  );
  if (!contact) return null;
  return policyFactsOf(dataSource, input, contact);
}

/** The facts from a row read with `POLICY_CONTACT_COLUMNS`, and the template's registry entry when the send is one. */
export async function policyFactsOf(
  dataSource: SqlExecutor,
  input: PolicyFactsInput,
  contact: PolicyContactRow,
): Promise<Omit<PolicyFacts, 'pause'>> {
  const { numberId, send, now } = input;
  const history = contact;
  let template: PolicyFacts['template'] = null;
  if (send.kind === 'template' && send.templateName !== null) {
    const row = await sqlRow(
      dataSource,
      templateRow,
      `SELECT t.status, t.category, t.body_parameters, t.header_parameters, t.button_parameters
         FROM whatsapp_templates t JOIN whatsapp_numbers n ON n.waba_id = t.waba_id AND n.workspace_id = t.workspace_id
        WHERE n.id = $1 AND t.name = $2 AND t.language = $3`,
      [numberId, send.templateName, send.templateLanguage ?? ''],
    );
    if (row) {
      template = {
        status: row.status,
        category: row.category,
        parameters: { body: row.body_parameters, header: row.header_parameters, buttons: row.button_parameters },
      };
    } else {
      // An account whose registry is empty (never synced, or nothing listed) is not judged by it.
      const synced = await sqlRow(
        dataSource,
        syncedRow,
        'SELECT EXISTS (SELECT 1 FROM whatsapp_templates t JOIN whatsapp_numbers n ON n.waba_id = t.waba_id AND n.workspace_id = t.workspace_id WHERE n.id = $1) AS synced',
        [numberId],
      );
      template = synced?.synced ? 'unknown' : 'not_synced';
    }
  }
  return {
    now,
    contact: {
      waId: contact.wa_id,
      phoneE164: contact.phone_e164,
      timeZone: contact.time_zone ?? input.defaultTimeZone,
      lastInboundAt: contact.last_inbound_at,
      marketingConsent: contact.marketing_consent,
      marketingConsentSource: contact.marketing_consent_source,
      transactionalConsent: contact.transactional_consent,
      transactionalConsentSource: contact.transactional_consent_source,
    },
    history: {
      lastOutboundAt: history.last_outbound_at ?? null,
      lastMarketingAt: history.last_marketing_at ?? null,
      templatesLast24h: history.templates_last_24h ?? 0,
      lastTemplateAt: history.last_template_at ?? null,
      sameContentLast30Days: history.same_content_30d ?? 0,
      lastSameNotificationAt: history.last_same_notification_at ?? null,
    },
    template,
  };
}
