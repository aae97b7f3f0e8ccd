import { renderTemplate } from './template-renderer';

const options = { locale: 'en', timeZone: 'Europe/Rome', now: new Date('2026-11-22T10:00:00Z') };

describe('renderTemplate', () => {
  it('fills variables, applies filters and reports missing values with their fallbacks', () => {
    const data = {
      contact: { first_name: 'ada', last_name: null, tags: ['vip', 'new'] },
      crm: { last_order: { total: 129.9, currency: 'EUR', created_at: new Date('2026-11-19T10:00:00Z') } },
      vars: { coupon_code: 'PRICE-7Q4K' },
    };
    const result = renderTemplate(
      'Hi {{ contact.first_name | capitalize }}{{ contact.last_name | " " }}! Your order of {{ crm.last_order.total | money }} ({{ crm.last_order.created_at | ago }}), code {{ vars.coupon_code }}, tags {{ contact.tags }}, city {{ contact.fields.city | "near you" }}.',
      data,
      options,
    );
    expect(result.text).toBe('Hi Ada ! Your order of €129.90 (3 days ago), code PRICE-7Q4K, tags vip, new, city near you.');
    expect(result.missing).toEqual(['contact.last_name', 'contact.fields.city']);
  });

  it('formats relative dates and money in the contact language', () => {
    const result = renderTemplate(
      '{{ vars.when | ago }} / {{ vars.amount | money }}',
      { vars: { when: '2026-11-19T10:00:00Z', amount: 1234.5 } },
      { ...options, locale: 'it' },
    );
    expect(result.text).toBe('3 giorni fa / 1234,50');
  });

  it('refuses a template that does not parse', () => {
    expect(() => renderTemplate('Hi {{ contact.first_name', {}, options)).toThrow('does not parse');
  });
});
