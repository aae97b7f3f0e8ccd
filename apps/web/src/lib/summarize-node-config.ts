import { z } from 'zod';
import { configEntries } from './config-entries';
import { describeCondition } from './editor/describe-condition';

const MAX_LENGTH = 140;

const keywordTrigger = z.object({
  match: z.literal('keyword'),
  keywords: z.array(z.string()),
  mode: z.enum(['contains', 'exact', 'starts_with']).optional(),
});
const anyTrigger = z.object({ match: z.literal('any') });
const textMessage = z.object({ message: z.object({ type: z.literal('text'), text: z.string() }) });

const MATCH_WORDING: Record<'contains' | 'exact' | 'starts_with', string> = {
  contains: 'Text contains',
  exact: 'Text is exactly',
  starts_with: 'Text starts with',
};

function quoted(words: readonly string[]): string {
  return words.map((word) => `“${word}”`).join(' or ');
}

function summarizeInboundMessage(config: unknown): string | null {
  if (anyTrigger.safeParse(config).success) return 'Any incoming message';
  const keyword = keywordTrigger.safeParse(config);
  if (!keyword.success) return null;
  return `${MATCH_WORDING[keyword.data.mode ?? 'contains']} ${quoted(keyword.data.keywords)}`;
}

function summarizeSendMessage(config: unknown): string | null {
  const message = textMessage.safeParse(config);
  return message.success ? `“${message.data.message.text}”` : null;
}

const conditionConfig = z.object({ rule: z.unknown() });

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The rule as a sentence; the raw JSONLogic stays in the step's form. */
function summarizeCondition(config: unknown): string | null {
  const parsed = conditionConfig.safeParse(config);
  if (!parsed.success) return null;
  const sentence = describeCondition(parsed.data.rule);
  return sentence ? capitalized(sentence) : 'A custom rule: open the step to read it';
}

const couponConfig = z.object({
  campaign: z.string(),
  prefix: z.string().optional(),
  percentOff: z.number().nullable().optional(),
  amountOff: z.number().nullable().optional(),
  currency: z.string().optional(),
  validDays: z.number().nullable().optional(),
});

/** The discount, the campaign (copy a template brings, easy to spot and change) and how long the code lasts. */
function summarizeCoupon(config: unknown): string | null {
  const parsed = couponConfig.safeParse(config);
  if (!parsed.success) return null;
  const c = parsed.data;
  const discount =
    typeof c.percentOff === 'number'
      ? `${c.percentOff}% off`
      : typeof c.amountOff === 'number'
        ? `${c.amountOff} ${c.currency ?? ''} off`.replace(/\s+off$/, ' off')
        : 'A discount';
  const parts = [discount, `campaign “${c.campaign}”`];
  if (c.prefix) parts.push(`code ${c.prefix}-…`);
  if (typeof c.validDays === 'number') parts.push(`valid ${c.validDays} ${c.validDays === 1 ? 'day' : 'days'}`);
  return parts.join(' · ');
}

/** Known node types get a sentence; any other type falls back to its first settings. */
const SUMMARIES: Readonly<Record<string, (config: unknown) => string | null>> = {
  'trigger.inbound_message': summarizeInboundMessage,
  'whatsapp.send_message': summarizeSendMessage,
  'condition.if': summarizeCondition,
  'coupon.generate': summarizeCoupon,
};

function truncate(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1).trimEnd()}…` : text;
}

/** One short line describing what a node is set to do, shown on its canvas card. */
export function summarizeNodeConfig(type: string, config: Record<string, unknown>): string {
  const specific = SUMMARIES[type]?.(config);
  if (specific) return truncate(specific);
  const entries = configEntries(config, null).slice(0, 2);
  if (entries.length === 0) return 'No settings';
  return truncate(entries.map((entry) => `${entry.label}: ${entry.value}`).join(' · '));
}
