/** Meta's pricing categories. Service messages (answers inside the customer service window) are free. */
export const PRICING_CATEGORIES = ['marketing', 'utility', 'authentication', 'service'] as const;
export type PricingCategory = (typeof PRICING_CATEGORIES)[number];

export interface Price {
  /** ISO country, or '*' for every country without its own row. */
  country: string;
  category: PricingCategory;
  price: number;
  currency: string;
}

export interface BilledCount {
  category: string;
  country: string;
  /** Delivered messages (Meta charges per delivered message). */
  delivered: number;
}

export interface CostLine extends BilledCount {
  unitPrice: number | null;
  currency: string | null;
  cost: number;
}

/**
 * What the delivered messages cost, per category and country: the country's
 * price, else the '*' price, else unpriced (cost 0 and unitPrice null, so the
 * report shows what the table lacks). Messages without a category count as
 * service.
 */
export function costLines(counts: readonly BilledCount[], prices: readonly Price[]): CostLine[] {
  const byKey = new Map(prices.map((p) => [`${p.country}|${p.category}`, p]));
  return counts.map((c) => {
    const category = c.category === '' ? 'service' : c.category;
    const price = byKey.get(`${c.country}|${category}`) ?? byKey.get(`*|${category}`);
    return {
      ...c,
      category,
      unitPrice: price ? price.price : null,
      currency: price ? price.currency : null,
      cost: price ? Math.round(price.price * c.delivered * 1e6) / 1e6 : 0,
    };
  });
}
