import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const couponConfigSchema = z
  .object({
    campaign: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower case letters, digits, "_" and "-"')
      .meta({ title: 'Campaign', description: 'One code per contact per campaign.' }),
    prefix: z
      .string()
      .regex(/^[A-Z0-9]{0,10}$/, 'capital letters and digits, at most 10')
      .default('')
      .meta({ title: 'Code prefix' }),
    percentOff: z.number().min(1).max(100).nullable().default(10).meta({ title: 'Discount (%)' }),
    amountOff: z.number().positive().max(1_000_000).nullable().default(null).meta({ title: 'Discount (amount)' }),
    currency: z
      .string()
      .regex(/^([A-Z]{3})?$/)
      .default('')
      .meta({ title: 'Currency of the amount' }),
    validDays: z.number().int().min(1).max(3650).nullable().default(30).meta({ title: 'Valid for (days)' }),
  })
  .refine((c) => (c.percentOff === null) !== (c.amountOff === null), {
    message: 'give either a percentage or an amount',
    path: ['percentOff'],
  })
  .refine((c) => c.amountOff === null || c.currency !== '', { message: 'an amount needs a currency', path: ['currency'] });
export type CouponConfig = z.infer<typeof couponConfigSchema>;

export const couponDefinition = defineNode<CouponConfig>({
  type: 'coupon.generate',
  version: 1,
  kind: 'action',
  category: 'Data',
  displayName: 'Generate coupon',
  description:
    'Creates a unique discount code for the contact (the same code if asked again), to use in later messages as {{ vars.coupon_code }}.',
  synonyms: ['coupon', 'discount', 'voucher', 'promo code', 'sconto', 'buono', 'kupon', 'rabat'],
  configSchema: couponConfigSchema,
  defaultConfig: { campaign: 'welcome-10', prefix: 'WELCOME', percentOff: 10, amountOff: null, currency: '', validDays: 30 },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: z.object({ code: z.string(), expiresAt: z.string().nullable(), discount: z.string(), reused: z.boolean() }),
  sampleData: { code: 'WELCOME-7Q4K9M', expiresAt: '2026-12-22T10:00:00.000Z', discount: '10%', reused: false },
  writesVariables: () => ['coupon_code', 'coupon_discount', 'coupon_expires_at'],
});
