import { z } from 'zod';

/** The reports as the engine answers them (apps/engine/src/reports/reports.controller.ts). */
const range = z.object({ from: z.string(), to: z.string() });
function envelope<T extends z.ZodType>(figures: T) {
  return z.object({ range, previousRange: range, current: figures, previous: figures });
}
const n = z.number();
const nn = z.number().nullable();
const duration = z.object({ count: n, median: nn, p90: nn, businessMedian: nn, businessP90: nn });
export type Duration = z.infer<typeof duration>;

export const serviceReportSchema = envelope(
  z.object({
    thresholdMinutes: n,
    summary: z.object({ opened: n, firstResponse: duration, reply: duration, resolution: duration }),
    agents: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        conversations: n,
        replies: n,
        firstResponseMedian: nn,
        replyMedian: nn,
        replyP90: nn,
        businessReplyMedian: nn,
        resolutions: n,
        resolutionMedian: nn,
        flagged: z.boolean(),
      }),
    ),
  }),
);
export type ServiceReport = z.infer<typeof serviceReportSchema>;

export const trafficReportSchema = envelope(
  z.object({
    timeZone: z.string(),
    cells: z.array(z.object({ weekday: n, hour: n, inbound: n, outbound: n })),
    days: z.array(z.object({ day: z.string(), inbound: n, outbound: n, opened: n })),
    totals: z.object({ inbound: n, outbound: n, opened: n }),
  }),
);
export type TrafficReport = z.infer<typeof trafficReportSchema>;

const trend = z.object({ term: z.string(), count: n, previous: n, share: n, change: nn });
export type TermTrend = z.infer<typeof trend>;
export const wordsReportSchema = envelope(
  z.object({
    messages: n,
    words: z.array(trend),
    intents: z.array(trend),
    watch: z.object({ term: z.string(), share: n, below: n, alert: z.boolean() }).nullable(),
  }),
);
export type WordsReport = z.infer<typeof wordsReportSchema>;

const messagingRow = z.object({
  key: z.string(),
  label: z.string(),
  sent: n,
  delivered: n,
  read: n,
  failed: n,
  readRate: nn,
  deliveryRate: nn,
  meanSecondsToRead: nn,
  replied: n,
  replyRate: nn,
  converted: n,
});
export type MessagingRow = z.infer<typeof messagingRow>;
export const messagingReportSchema = envelope(z.object({ totals: messagingRow, rows: z.array(messagingRow), optOuts: n }));
export type MessagingReport = z.infer<typeof messagingReportSchema>;

export const funnelReportSchema = envelope(
  z.object({
    flows: z.array(
      z.object({
        flowId: z.string(),
        name: z.string(),
        entered: n,
        ended: z.object({ succeeded: n, failed: n, cancelled: n }).nullable().optional(),
        sent: n,
        failed: n.optional(),
        delivered: n,
        read: n,
        replied: n,
        converted: n,
        conversionRate: nn,
      }),
    ),
    stages: z.array(z.object({ stage: z.string(), label: z.string(), count: n, dropOff: nn })),
    revenue: z.array(z.object({ currency: z.string(), amount: n, orders: n })).optional(),
    steps: z.array(
      z.object({
        flowVersionId: z.string(),
        version: nn,
        nodeId: z.string(),
        label: z.string(),
        reached: n,
        sent: n,
        failed: n.optional(),
        delivered: n,
        read: n,
        replied: n,
        converted: n,
      }),
    ),
    edges: z
      .array(z.object({ flowVersionId: z.string(), nodeId: z.string(), output: z.string(), taken: n }))
      .nullable()
      .optional(),
  }),
);
export type FunnelReport = z.infer<typeof funnelReportSchema>;

/** Per local day: sent, delivered, read, conversions and the rates (GET /api/reports/daily; the per-day charts). */
export const dailyReportSchema = envelope(
  z.object({
    timeZone: z.string(),
    days: z.array(z.object({ day: z.string(), sent: n, delivered: n, read: n, converted: n, readRate: nn, conversionRate: nn })),
  }),
);
export type DailyReport = z.infer<typeof dailyReportSchema>;

/** Discount requests → orders (GET /api/reports/discount: every flow, no flow filter). */
export const discountReportSchema = envelope(z.object({ requests: n, customers: n, converted: n, rate: n.nullable(), windowDays: n }));
export type DiscountReport = z.infer<typeof discountReportSchema>;

export const costReportSchema = envelope(
  z.object({
    lines: z.array(
      z.object({ category: z.string(), country: z.string(), delivered: n, unitPrice: nn, currency: z.string().nullable(), cost: n }),
    ),
    total: n,
    currency: z.string().nullable(),
    delivered: n,
    converted: n,
    costPerMessage: nn,
    costPerConversion: nn,
  }),
);
export type CostReport = z.infer<typeof costReportSchema>;

export const priceTableSchema = z.object({
  prices: z.array(z.object({ country: z.string(), category: z.string(), price: n, currency: z.string() })),
});

export const filterOptionsSchema = {
  flows: z.object({ data: z.array(z.object({ id: z.string(), name: z.string() }).loose()) }).loose(),
  numbers: z
    .object({ data: z.array(z.object({ id: z.string(), displayPhoneNumber: z.string().optional(), phoneNumberId: z.string() }).loose()) })
    .loose(),
};

export const weeklySummarySchema = z.object({
  id: z.string(),
  weekStart: z.string(),
  from: z.string(),
  to: z.string(),
  createdAt: z.string(),
});
export const weeklyListSchema = z.object({ data: z.array(weeklySummarySchema) });
export const weeklyReportSchema = weeklySummarySchema.extend({
  content: z.object({
    service: serviceReportSchema,
    funnel: funnelReportSchema,
    messaging: messagingReportSchema,
    cost: costReportSchema,
    traffic: trafficReportSchema,
  }),
});
