import { CRM_EVENT_TYPES } from '@parley/flow-core';
import { z } from 'zod';

const money = z.number().finite().min(0).max(1e12);

/** What a CRM, a shop or a connector posts to /api/crm/events. */
export const crmEventInputSchema = z
  .object({
    type: z.enum(CRM_EVENT_TYPES),
    /** The source system's id for this event (or the order/deal id plus the change): posting it twice is harmless. */
    id: z.string().trim().min(1).max(200),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    contact: z
      .object({
        waId: z
          .string()
          .regex(/^\d{6,15}$/)
          .optional(),
        phone: z.string().max(40).optional(),
        email: z.email().max(320).optional(),
        firstName: z.string().max(100).optional(),
        lastName: z.string().max(100).optional(),
        defaultCountry: z
          .string()
          .regex(/^[A-Z]{2}$/)
          .optional(),
      })
      .refine(
        (c) => c.waId !== undefined || c.phone !== undefined || c.email !== undefined,
        'give the contact a phone, WhatsApp id or email',
      ),
    order: z
      .object({
        id: z.string().trim().min(1).max(200),
        status: z.string().trim().min(1).max(50).optional(),
        total: money.optional(),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .optional(),
        items: z.array(z.record(z.string(), z.unknown())).max(500).optional(),
        carrier: z.string().max(100).optional(),
        trackingNumber: z.string().max(200).optional(),
        trackingUrl: z.url().max(2000).optional(),
        estimatedDelivery: z.iso.date().optional(),
        placedAt: z.iso.datetime({ offset: true }).optional(),
      })
      .optional(),
    deal: z
      .object({
        id: z.string().trim().min(1).max(200),
        stage: z.string().trim().min(1).max(100),
        previousStage: z.string().max(100).optional(),
        amount: money.optional(),
      })
      .optional(),
    /** store.visited: the store; link.clicked: the URL or product. */
    reference: z.string().max(2000).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type.startsWith('order.') && !input.order)
      ctx.addIssue({ code: 'custom', path: ['order'], message: `${input.type} needs an order` });
    if (input.type === 'deal.stage_changed' && !input.deal)
      ctx.addIssue({ code: 'custom', path: ['deal'], message: 'deal.stage_changed needs a deal' });
  });
export type CrmEventInput = z.infer<typeof crmEventInputSchema>;
