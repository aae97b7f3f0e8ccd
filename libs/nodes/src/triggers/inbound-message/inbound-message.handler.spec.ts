import type { RuntimeEvent } from '@parley/node-sdk';
import { inboundMessageConfigSchema, inboundMessageDefinition } from './inbound-message.definition';
import { inboundMessageHandler } from './inbound-message.handler';

function event(text: string | null, reply: { id: string; kind: 'button' | 'list' } | null = null): RuntimeEvent {
  return {
    id: '1',
    type: 'message.received',
    occurredAt: new Date(),
    contactId: 'c',
    payload: {
      wamid: 'wamid.x',
      phoneNumberId: '1',
      messageType: text === null ? 'image' : 'text',
      text,
      replyId: reply?.id ?? null,
      replyKind: reply?.kind ?? null,
      location: null,
    },
  };
}

function matches(config: unknown, text: string | null, reply: { id: string; kind: 'button' | 'list' } | null = null): boolean {
  return inboundMessageHandler.matches({
    config: inboundMessageConfigSchema.parse(config),
    event: event(text, reply),
    flowId: 'f',
    matchIntent: (subject, intent) => intent === 'price' && /price|quanto costa/i.test(subject),
  });
}

describe('inbound message trigger', () => {
  it('matches any message, text or not, in "any" mode', () => {
    expect(matches({ match: 'any' }, 'hello')).toBe(true);
    expect(matches({ match: 'any' }, null)).toBe(true);
  });

  it('matches a keyword anywhere in the text, ignoring case by default', () => {
    const config = { match: 'keyword', keywords: ['price', 'quanto costa'] };
    expect(matches(config, 'What is the PRICE?')).toBe(true);
    expect(matches(config, 'Quanto costa il divano?')).toBe(true);
    expect(matches(config, 'Hello')).toBe(false);
    expect(matches(config, null)).toBe(false);
  });

  it('honours case sensitivity, exact and starts-with modes', () => {
    expect(matches({ match: 'keyword', keywords: ['Price'], caseSensitive: true }, 'price')).toBe(false);
    expect(matches({ match: 'keyword', keywords: ['stop'], mode: 'exact' }, '  STOP ')).toBe(true);
    expect(matches({ match: 'keyword', keywords: ['stop'], mode: 'exact' }, 'stop it')).toBe(false);
    expect(matches({ match: 'keyword', keywords: ['hi'], mode: 'starts_with' }, ' hi there')).toBe(true);
    expect(matches({ match: 'keyword', keywords: ['hi'], mode: 'starts_with' }, 'oh hi')).toBe(false);
  });

  it('handles non-Latin keywords', () => {
    expect(matches({ match: 'keyword', keywords: ['多少钱'] }, '这个多少钱?')).toBe(true);
  });

  it('refuses a keyword config without keywords', () => {
    expect(inboundMessageConfigSchema.safeParse({ match: 'keyword', keywords: [] }).success).toBe(false);
    expect(inboundMessageConfigSchema.safeParse({ match: 'keyword', keywords: ['  '] }).success).toBe(false);
    expect(inboundMessageConfigSchema.safeParse({ match: 'sometimes' }).success).toBe(false);
  });

  it('matches a regular expression', () => {
    expect(matches({ match: 'regex', pattern: '^order\\s*#?\\d{4,}' }, 'Order #12345 where?')).toBe(true);
    expect(matches({ match: 'regex', pattern: '^order\\s*#?\\d{4,}' }, 'my order')).toBe(false);
  });

  it('refuses invalid or catastrophic patterns at publish time', () => {
    const validate = (pattern: string) => {
      const parsed = inboundMessageConfigSchema.parse({ match: 'regex', pattern });
      return inboundMessageDefinition.validate?.(parsed) ?? [];
    };
    expect(validate('(a+)+$')).toEqual([expect.objectContaining({ field: 'pattern', message: expect.stringContaining('too complex') })]);
    expect(validate('([a-z')).toEqual([expect.objectContaining({ field: 'pattern', message: expect.stringContaining('not a valid') })]);
    expect(validate('^hi')).toEqual([]);
  });

  it('matches an intent through the workspace intent lists', () => {
    expect(matches({ match: 'intent', intent: 'price' }, 'Quanto costa?')).toBe(true);
    expect(matches({ match: 'intent', intent: 'price' }, 'hello')).toBe(false);
  });

  it('matches button and list replies, optionally by id', () => {
    expect(matches({ match: 'button_reply' }, 'Yes', { id: 'yes', kind: 'button' })).toBe(true);
    expect(matches({ match: 'button_reply', replyIds: ['no'] }, 'Yes', { id: 'yes', kind: 'button' })).toBe(false);
    expect(matches({ match: 'list_reply' }, 'Blue', { id: 'r1', kind: 'list' })).toBe(true);
    expect(matches({ match: 'list_reply' }, 'Yes', { id: 'yes', kind: 'button' })).toBe(false);
    expect(matches({ match: 'button_reply' }, 'Yes')).toBe(false);
  });

  it('listens to inbound message events only', () => {
    expect(inboundMessageHandler.eventTypes).toEqual(['message.received']);
  });
});
