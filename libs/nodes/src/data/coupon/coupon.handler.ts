import { defineStepHandler } from '@parley/node-sdk';
import { couponDefinition } from './coupon.definition';

export const couponHandler = defineStepHandler(couponDefinition, {
  execute: async ({ config, services }) => {
    const coupon = await services.coupons.issue({
      campaign: config.campaign,
      prefix: config.prefix,
      percentOff: config.percentOff,
      amountOff: config.amountOff,
      currency: config.currency || null,
      validDays: config.validDays,
    });
    const discount = config.percentOff !== null ? `${config.percentOff}%` : `${config.amountOff ?? 0} ${config.currency}`;
    const expiresAt = coupon.expiresAt?.toISOString() ?? null;
    return {
      outcome: 'continue',
      output: 'next',
      data: { code: coupon.code, expiresAt, discount, reused: coupon.reused },
      vars: { coupon_code: coupon.code, coupon_discount: discount, coupon_expires_at: expiresAt },
    };
  },
});
