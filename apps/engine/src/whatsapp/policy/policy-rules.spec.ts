import { consentRule } from './consent.rule';
import { windowOpen } from './customer-service-window';
import { marketingFrequencyRule } from './marketing-frequency.rule';
import { messagingPolicySchema, type MessagingPolicy } from './messaging-policy';
import { notificationSpacingRule } from './notification-spacing.rule';
import { pausedRule } from './paused.rule';
import type { PolicyFacts, PolicySend } from './policy-facts';
import type { PolicyRuleCheck } from './policy-rule';
import { quietHoursRule } from './quiet-hours.rule';
import { recipientSpacingRule } from './recipient-spacing.rule';
import { sameContentRule } from './same-content.rule';
import { applyRegistryCategory } from './template-category';
import { templateStatusRule } from './template-status.rule';
import { templateWithoutOptInRule } from './template-without-opt-in.rule';
import { usMarketingRule } from './us-marketing.rule';

const NOW = new Date('2026-11-25T11:00:00Z'); // a Wednesday, 12:00 in Rome
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const policy: MessagingPolicy = messagingPolicySchema.parse({});

function send(change: Partial<PolicySend> = {}): PolicySend {
  const category = change.category ?? 'service';
  return {
    origin: 'flow',
    category,
    declaredCategory: category,
    categorySource: 'declared',
    registryCategory: null,
    kind: 'free_form',
    templateName: null,
    templateLanguage: null,
    templateParameters: null,
    contentHash: 'h1',
    hasFallback: false,
    ...change,
  };
}
const template = (change: Partial<PolicySend> = {}) =>
  send({
    kind: 'template',
    templateName: 'offer',
    templateLanguage: 'it',
    templateParameters: { body: 1, header: 0, buttons: 0 },
    category: 'marketing',
    ...change,
  });

function facts(
  change: {
    contact?: Partial<PolicyFacts['contact']>;
    history?: Partial<PolicyFacts['history']>;
    pause?: PolicyFacts['pause'];
    template?: PolicyFacts['template'];
    now?: Date;
  } = {},
): PolicyFacts {
  return {
    now: change.now ?? NOW,
    contact: {
      phoneE164: '+393331234567',
      waId: '393331234567',
      timeZone: 'Europe/Rome',
      lastInboundAt: ago(HOUR),
      marketingConsent: 'unknown',
      marketingConsentSource: null,
      transactionalConsent: 'unknown',
      transactionalConsentSource: null,
      ...change.contact,
    },
    history: {
      lastOutboundAt: null,
      lastMarketingAt: null,
      templatesLast24h: 0,
      lastTemplateAt: null,
      sameContentLast30Days: 0,
      lastSameNotificationAt: null,
      ...change.history,
    },
    pause: change.pause ?? null,
    template: change.template ?? null,
  };
}

/** A rule as the gate runs it: after the template's category was taken from the registry. */
const withRegistry =
  (rule: PolicyRuleCheck): PolicyRuleCheck =>
  (s, f, p) =>
    rule(applyRegistryCategory(s, f.template), f, p);
const registered = (category: string): PolicyFacts['template'] => ({
  status: 'APPROVED',
  category,
  parameters: { body: 1, header: 0, buttons: 0 },
});
const saidStop = { marketingConsent: 'opted_out', marketingConsentSource: 'keyword:stop' } as const;

type Expect = 'allow' | 'block' | { defer: Date };
interface Case {
  name: string;
  rule: PolicyRuleCheck;
  send: PolicySend;
  facts: PolicyFacts;
  policy?: Partial<MessagingPolicy>;
  expect: Expect;
}

const CASES: Case[] = [
  // Consent
  {
    name: 'marketing reply to a contact with unknown consent, inside the window',
    rule: consentRule,
    send: send({ category: 'marketing' }),
    facts: facts(),
    expect: 'allow',
  },
  {
    name: 'marketing to a contact who said STOP',
    rule: consentRule,
    send: send({ category: 'marketing' }),
    facts: facts({ contact: { marketingConsent: 'opted_out', marketingConsentSource: 'keyword:stop' } }),
    expect: 'block',
  },
  {
    name: 'service reply to a contact who said STOP',
    rule: consentRule,
    send: send(),
    facts: facts({ contact: { marketingConsent: 'opted_out' } }),
    expect: 'allow',
  },
  { name: 'marketing template without opt-in', rule: consentRule, send: template(), facts: facts(), expect: 'block' },
  {
    name: 'marketing template with opt-in',
    rule: consentRule,
    send: template(),
    facts: facts({ contact: { marketingConsent: 'opted_in' } }),
    expect: 'allow',
  },
  {
    name: 'marketing template without opt-in when the workspace allows it',
    rule: consentRule,
    send: template(),
    facts: facts(),
    policy: { marketingTemplatesNeedOptIn: false },
    expect: 'allow',
  },
  {
    name: 'utility template, window closed, notifications opted out',
    rule: consentRule,
    send: template({ category: 'utility' }),
    facts: facts({ contact: { lastInboundAt: ago(48 * HOUR), transactionalConsent: 'opted_out' } }),
    expect: 'block',
  },
  {
    name: 'utility template, window open, notifications opted out',
    rule: consentRule,
    send: template({ category: 'utility' }),
    facts: facts({ contact: { transactionalConsent: 'opted_out' } }),
    expect: 'allow',
  },
  // A template's category is Meta's (the registry), not the step's
  {
    name: 'template the step calls utility, MARKETING in the registry, to a contact who said STOP',
    rule: withRegistry(consentRule),
    send: template({ category: 'utility' }),
    facts: facts({ contact: saidStop, template: registered('MARKETING') }),
    expect: 'block',
  },
  {
    name: 'template the step calls utility, UTILITY in the registry, to a contact who said STOP',
    rule: withRegistry(consentRule),
    send: template({ category: 'utility' }),
    facts: facts({ contact: saidStop, template: registered('UTILITY') }),
    expect: 'allow',
  },
  {
    name: 'template the step calls marketing, re-categorised UTILITY by Meta, to a contact who said STOP',
    rule: withRegistry(consentRule),
    send: template({ category: 'marketing' }),
    facts: facts({ contact: saidStop, template: registered('UTILITY') }),
    expect: 'allow',
  },
  {
    name: 'template the step calls utility, missing from a synced registry, to a contact who said STOP',
    rule: withRegistry(consentRule),
    send: template({ category: 'utility' }),
    facts: facts({ contact: saidStop, template: 'unknown' }),
    expect: 'block',
  },
  {
    name: 'template the step calls utility, registry never synced, to a contact who said STOP',
    rule: withRegistry(consentRule),
    send: template({ category: 'utility' }),
    facts: facts({ contact: saidStop, template: 'not_synced' }),
    expect: 'block',
  },
  {
    name: 'template the step calls utility, MARKETING in the registry, without opt-in',
    rule: withRegistry(consentRule),
    send: template({ category: 'utility' }),
    facts: facts({ template: registered('MARKETING') }),
    expect: 'block',
  },
  {
    name: 'free-form service reply to a contact who said STOP keeps its own category',
    rule: withRegistry(consentRule),
    send: send(),
    facts: facts({ contact: saidStop }),
    expect: 'allow',
  },
  {
    name: 'free-form marketing to a contact who said STOP keeps its own category',
    rule: withRegistry(consentRule),
    send: send({ category: 'marketing' }),
    facts: facts({ contact: saidStop }),
    expect: 'block',
  },
  {
    name: 'template the step calls utility, MARKETING in the registry, to +1',
    rule: withRegistry(usMarketingRule),
    send: template({ category: 'utility' }),
    facts: facts({ contact: { phoneE164: '+14155550100', waId: '14155550100' }, template: registered('MARKETING') }),
    expect: 'block',
  },
  {
    name: 'template the step calls utility, MARKETING in the registry, 3 days after a promotion',
    rule: withRegistry(marketingFrequencyRule),
    send: template({ category: 'utility' }),
    facts: facts({ history: { lastMarketingAt: ago(3 * 24 * HOUR) }, template: registered('MARKETING') }),
    expect: 'block',
  },
  // US marketing
  {
    name: 'marketing to +1',
    rule: usMarketingRule,
    send: send({ category: 'marketing' }),
    facts: facts({ contact: { phoneE164: '+14155550100', waId: '14155550100' } }),
    expect: 'block',
  },
  {
    name: 'utility to +1',
    rule: usMarketingRule,
    send: send({ category: 'utility' }),
    facts: facts({ contact: { phoneE164: '+14155550100' } }),
    expect: 'allow',
  },
  { name: 'marketing to +39', rule: usMarketingRule, send: send({ category: 'marketing' }), facts: facts(), expect: 'allow' },
  // Template status and parameters
  {
    name: 'approved template with matching parameters',
    rule: templateStatusRule,
    send: template(),
    facts: facts({ template: { status: 'APPROVED', category: 'MARKETING', parameters: { body: 1, header: 0, buttons: 0 } } }),
    expect: 'allow',
  },
  { name: 'registry never synced', rule: templateStatusRule, send: template(), facts: facts({ template: 'not_synced' }), expect: 'allow' },
  {
    name: 'template missing from a synced registry',
    rule: templateStatusRule,
    send: template(),
    facts: facts({ template: 'unknown' }),
    expect: 'block',
  },
  {
    name: 'paused template',
    rule: templateStatusRule,
    send: template(),
    facts: facts({ template: { status: 'PAUSED', category: 'MARKETING', parameters: { body: 1, header: 0, buttons: 0 } } }),
    expect: { defer: new Date(NOW.getTime() + HOUR) },
  },
  {
    name: 'disabled template',
    rule: templateStatusRule,
    send: template(),
    facts: facts({ template: { status: 'DISABLED', category: 'MARKETING', parameters: { body: 1, header: 0, buttons: 0 } } }),
    expect: 'block',
  },
  {
    name: 'wrong parameter count',
    rule: templateStatusRule,
    send: template(),
    facts: facts({ template: { status: 'APPROVED', category: 'MARKETING', parameters: { body: 2, header: 0, buttons: 0 } } }),
    expect: 'block',
  },
  // Same content
  {
    name: 'same content the 5th time',
    rule: sameContentRule,
    send: send(),
    facts: facts({ history: { sameContentLast30Days: 4 } }),
    expect: 'allow',
  },
  {
    name: 'same content the 6th time',
    rule: sameContentRule,
    send: send(),
    facts: facts({ history: { sameContentLast30Days: 5 } }),
    expect: 'block',
  },
  // Marketing frequency
  {
    name: 'promotion 8 days after the last',
    rule: marketingFrequencyRule,
    send: send({ category: 'marketing' }),
    facts: facts({ history: { lastMarketingAt: ago(8 * 24 * HOUR) } }),
    expect: 'allow',
  },
  // Calendar days in the contact's zone: last week's send at 14:00:05 does not hold back this week's at 14:00:00.
  {
    name: 'promotion a week later, 5 s earlier in the day',
    rule: marketingFrequencyRule,
    send: send({ category: 'marketing' }),
    facts: facts({ history: { lastMarketingAt: ago(7 * 24 * HOUR - 5000) } }),
    expect: 'allow',
  },
  {
    name: 'promotion 6 days after the last',
    rule: marketingFrequencyRule,
    send: send({ category: 'marketing' }),
    facts: facts({ history: { lastMarketingAt: ago(6 * 24 * HOUR) } }),
    expect: 'block',
  },
  {
    name: 'promotion 3 days after the last',
    rule: marketingFrequencyRule,
    send: send({ category: 'marketing' }),
    facts: facts({ history: { lastMarketingAt: ago(3 * 24 * HOUR) } }),
    expect: 'block',
  },
  {
    name: 'service message 3 days after a promotion',
    rule: marketingFrequencyRule,
    send: send(),
    facts: facts({ history: { lastMarketingAt: ago(3 * 24 * HOUR) } }),
    expect: 'allow',
  },
  // Templates without opt-in
  {
    name: 'first template of the day without opt-in',
    rule: templateWithoutOptInRule,
    send: template({ category: 'utility' }),
    facts: facts(),
    expect: 'allow',
  },
  {
    name: 'second template of the day without opt-in',
    rule: templateWithoutOptInRule,
    send: template({ category: 'utility' }),
    facts: facts({ contact: { lastInboundAt: ago(48 * HOUR) }, history: { templatesLast24h: 1, lastTemplateAt: ago(2 * HOUR) } }),
    expect: { defer: new Date(NOW.getTime() + 22 * HOUR) },
  },
  {
    name: 'second template of the day with opt-in',
    rule: templateWithoutOptInRule,
    send: template({ category: 'utility' }),
    facts: facts({
      contact: { transactionalConsent: 'opted_in', lastInboundAt: ago(48 * HOUR) },
      history: { templatesLast24h: 1, lastTemplateAt: ago(2 * HOUR) },
    }),
    expect: 'allow',
  },
  // The customer wrote an hour ago: a template now answers them.
  {
    name: 'second template of the day inside the window',
    rule: templateWithoutOptInRule,
    send: template({ category: 'utility' }),
    facts: facts({ history: { templatesLast24h: 1, lastTemplateAt: ago(2 * HOUR) } }),
    expect: 'allow',
  },
  // Notification spacing
  {
    name: 'same notification 7 h later',
    rule: notificationSpacingRule,
    send: send({ category: 'utility' }),
    facts: facts({ history: { lastSameNotificationAt: ago(7 * HOUR) } }),
    expect: 'allow',
  },
  {
    name: 'same notification 2 h later',
    rule: notificationSpacingRule,
    send: send({ category: 'utility' }),
    facts: facts({ history: { lastSameNotificationAt: ago(2 * HOUR) } }),
    expect: { defer: new Date(NOW.getTime() + 4 * HOUR) },
  },
  // Quiet hours (NOW is 12:00 in Rome)
  {
    name: 'marketing at noon',
    rule: quietHoursRule,
    send: send({ category: 'marketing' }),
    facts: facts({ contact: { lastInboundAt: ago(5 * HOUR) } }),
    expect: 'allow',
  },
  {
    name: 'marketing at 23:30 in Rome',
    rule: quietHoursRule,
    send: send({ category: 'marketing' }),
    facts: facts({ now: new Date('2026-11-25T22:30:00Z'), contact: { lastInboundAt: ago(5 * HOUR) } }),
    expect: { defer: new Date('2026-11-26T07:00:00Z') },
  },
  {
    name: 'template at 06:00 in New York (contact’s own zone)',
    rule: quietHoursRule,
    send: template({ category: 'utility' }),
    facts: facts({ now: new Date('2026-11-25T11:00:00Z'), contact: { timeZone: 'America/New_York', lastInboundAt: ago(48 * HOUR) } }),
    expect: { defer: new Date('2026-11-25T13:00:00Z') },
  },
  {
    name: 'reply at 23:30 to a customer writing now',
    rule: quietHoursRule,
    send: send({ category: 'marketing' }),
    facts: facts({ now: new Date('2026-11-25T22:30:00Z'), contact: { lastInboundAt: new Date('2026-11-25T22:25:00Z') } }),
    expect: 'allow',
  },
  {
    name: 'service reply at 23:30, window open',
    rule: quietHoursRule,
    send: send(),
    facts: facts({ now: new Date('2026-11-25T22:30:00Z'), contact: { lastInboundAt: ago(3 * HOUR) } }),
    expect: 'allow',
  },
  {
    name: 'quiet hours turned off',
    rule: quietHoursRule,
    send: send({ category: 'marketing' }),
    facts: facts({ now: new Date('2026-11-25T22:30:00Z'), contact: { lastInboundAt: ago(5 * HOUR) } }),
    policy: { quietHours: { enabled: false, start: '21:00', end: '08:00' } },
    expect: 'allow',
  },
  // Recipient spacing
  {
    name: 'second message 10 s after the first',
    rule: recipientSpacingRule,
    send: send(),
    facts: facts({ history: { lastOutboundAt: ago(10_000) } }),
    expect: 'allow',
  },
  {
    name: 'second message 2 s after the first',
    rule: recipientSpacingRule,
    send: send(),
    facts: facts({ history: { lastOutboundAt: ago(2_000) } }),
    expect: { defer: new Date(NOW.getTime() + 4_000) },
  },
  // Paused
  { name: 'not paused', rule: pausedRule, send: send(), facts: facts(), expect: 'allow' },
  {
    name: 'paused by an agent for 12 h',
    rule: pausedRule,
    send: send(),
    facts: facts({ pause: { cause: 'An agent took over', until: new Date(NOW.getTime() + 12 * HOUR) } }),
    expect: { defer: new Date(NOW.getTime() + 12 * HOUR) },
  },
];

describe('policy rules: each rule allows, blocks or defers', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const verdict = c.rule(c.send, c.facts, { ...policy, ...c.policy });
    if (c.expect === 'allow') {
      expect(verdict).toBeNull();
    } else if (c.expect === 'block') {
      expect(verdict).toMatchObject({ verdict: 'block', rule: expect.any(String), reason: expect.any(String) });
    } else {
      expect(verdict).toMatchObject({ verdict: 'defer', until: c.expect.defer });
    }
    // Every refusal explains itself with numbers a person can check.
    if (verdict && verdict.verdict !== 'allow') expect(Object.keys(verdict.numbers).length + verdict.reason.length).toBeGreaterThan(10);
  });

  it('names the category a template was judged by, and where it came from, when consent refuses it', () => {
    const verdict = withRegistry(consentRule)(
      template({ templateName: 'coupon_10', templateLanguage: 'en', category: 'utility' }),
      facts({ contact: saidStop, template: registered('MARKETING') }),
      policy,
    );
    expect(verdict).toMatchObject({
      verdict: 'block',
      rule: 'consent',
      reason: expect.stringContaining('coupon_10 (en) is MARKETING in WhatsApp’s template registry; the step says utility'),
      numbers: { category: 'marketing', categorySource: 'registry' },
    });
    const unknown = withRegistry(consentRule)(template({ category: 'utility' }), facts({ contact: saidStop, template: 'unknown' }), policy);
    expect(unknown).toMatchObject({
      reason: expect.stringContaining('not in the template registry, so it is judged as marketing'),
      numbers: { category: 'marketing', categorySource: 'not_in_registry' },
    });
  });

  it('keeps the window open for 24 h from the customer’s own message, less a safety margin', () => {
    expect(windowOpen(facts({ contact: { lastInboundAt: ago(23 * HOUR) } }))).toBe(true);
    expect(windowOpen(facts({ contact: { lastInboundAt: ago(24 * HOUR - 60_000) } }))).toBe(false);
    expect(windowOpen(facts({ contact: { lastInboundAt: null } }))).toBe(false);
  });
});
