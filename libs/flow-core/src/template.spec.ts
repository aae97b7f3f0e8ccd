import { parseTemplate, templateVariables } from './template';

describe('parseTemplate', () => {
  it('splits text and placeholders with filters and fallbacks', () => {
    const result = parseTemplate(
      'Hi {{ contact.first_name | capitalize | "there" }}, order {{crm.last_order.id}} shipped {{ crm.last_order.shipped_at|ago }}.',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.parts.map((p) => (p.kind === 'text' ? p.text : p.variable))).toEqual([
      'Hi ',
      expect.objectContaining({ path: 'contact.first_name', filters: ['capitalize'], fallback: 'there' }),
      ', order ',
      expect.objectContaining({ path: 'crm.last_order.id', filters: [], fallback: null }),
      ' shipped ',
      expect.objectContaining({ path: 'crm.last_order.shipped_at', filters: ['ago'] }),
      '.',
    ]);
  });

  it('keeps pipes and escaped quotes inside a fallback', () => {
    const [variable] = templateVariables('{{ contact.fields.size | "M | \\"large\\"" }}');
    expect(variable?.fallback).toBe('M | "large"');
  });

  it('accepts node ids with dashes in step paths', () => {
    expect(templateVariables('{{ steps.make-coupon.code }}')[0]?.path).toBe('steps.make-coupon.code');
  });

  it('returns plain text unchanged', () => {
    expect(parseTemplate('No variables here.')).toEqual({ ok: true, parts: [{ kind: 'text', text: 'No variables here.' }] });
    expect(parseTemplate('')).toEqual({ ok: true, parts: [] });
  });

  it.each([
    ['Hi {{ contact.first_name', 'never closed'],
    ['Hi {{ 1abc }}', 'not a variable name'],
    ['Hi {{ contact.first_name | shout }}', 'unknown filter'],
    ['Hi {{ contact.first_name | "a" | "b" }}', 'two fallbacks'],
    ['Hi {{ contact.first_name | "open }}', 'not closed'],
    ['Hi {{ }}', 'not a variable name'],
  ])('refuses %s', (text, message) => {
    const result = parseTemplate(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});
