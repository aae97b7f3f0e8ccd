import { BadRequestException, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { Clock } from '../common/clock';
import { ErrorResponses, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { seedDemoData } from './demo-data';
import { PRICING_CATEGORIES } from './metrics/cost';
import { ReportRecountService } from './report-recount.service';
import { ReportRollupService } from './report-rollup.service';
import { ReportWeeklyService } from './report-weekly.service';
import { ReportWeeklyDeliveryService } from './report-weekly-delivery.service';
import { previousPeriod, ReportQueriesService, type ReportQuery } from './report-queries.service';
import { type WordAlert, wordAlertInput, ReportWordAlertsService } from './report-word-alerts.service';
import { reportQuery, reportQuerySchema } from './report-range';

const wordsQuery = reportQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(30),
  watch: z.string().trim().min(1).max(100).optional().meta({ description: 'A word to watch, e.g. "discount"' }),
  below: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.08)
    .meta({ description: 'Alert when the watched word is in fewer than this share of messages' }),
});
/** The per-tag counts lack some dimensions: a report that needs them refuses the tag filter, naming it. */
function noTag(tag: string | undefined, what: string): void {
  if (tag === undefined) return;
  const message = `tag: not available for ${what}`;
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message, issues: [{ path: 'tag', message }] });
}

const recountView = z.object({
  id: z.string(),
  state: z.enum(['queued', 'running', 'finished']),
  requestedAt: z.string(),
  requestedBy: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  doneSteps: z.number(),
  totalSteps: z.number(),
});

const funnelQuery = reportQuerySchema.extend({ flowVersionId: z.uuid().optional() });

const messagingQuery = reportQuerySchema.extend({
  by: z.enum(['flow', 'step', 'template', 'number', 'category', 'country', 'error']).default('flow'),
});
const pricesBody = z.object({
  prices: z
    .array(
      z.object({
        country: z.string().regex(/^([A-Z]{2}|\*)$/, 'an ISO country code (IT) or * for any other'),
        category: z.enum(PRICING_CATEGORIES),
        price: z.number().min(0).max(1000),
        currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO currency code (EUR)'),
      }),
    )
    .max(2000),
});
const priceView = z.object({ country: z.string(), category: z.enum(PRICING_CATEGORIES), price: z.number(), currency: z.string() });

const range = z.object({ from: z.iso.datetime(), to: z.iso.datetime() });
/** Discount requests → orders of one period. */
const discountFigures = z.object({
  requests: z.number(),
  customers: z.number(),
  converted: z.number(),
  rate: z.number().nullable(),
  windowDays: z.number(),
});

/** A watched-word alert as the API shows it. */
const wordAlertView = z.object({
  id: z.string(),
  term: z.string(),
  direction: z.enum(['under', 'over']),
  threshold: z.number(),
  periodDays: z.number(),
  breachedAt: z.string().nullable(),
  lastShare: z.number().nullable(),
  lastMessages: z.number().nullable(),
  checkedAt: z.string().nullable(),
});

/** Every report: its range, the previous period of the same length, and the figures of both. */
function envelope<T extends z.ZodType>(figures: T) {
  return z.object({ range, previousRange: range, current: figures, previous: figures });
}
const duration = z.object({
  count: z.number(),
  median: z.number().nullable(),
  p90: z.number().nullable(),
  businessMedian: z.number().nullable(),
  businessP90: z.number().nullable(),
});
const serviceFigures = z.object({
  thresholdMinutes: z.number(),
  summary: z.object({ opened: z.number(), firstResponse: duration, reply: duration, resolution: duration }),
  agents: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      conversations: z.number(),
      replies: z.number(),
      firstResponseMedian: z.number().nullable(),
      replyMedian: z.number().nullable(),
      replyP90: z.number().nullable(),
      businessReplyMedian: z.number().nullable(),
      resolutions: z.number(),
      resolutionMedian: z.number().nullable(),
      flagged: z.boolean(),
    }),
  ),
});
const trafficFigures = z.object({
  timeZone: z.string(),
  cells: z.array(z.object({ weekday: z.number(), hour: z.number(), inbound: z.number(), outbound: z.number() })),
  days: z.array(z.object({ day: z.string(), inbound: z.number(), outbound: z.number(), opened: z.number() })),
  totals: z.object({ inbound: z.number(), outbound: z.number(), opened: z.number() }),
});
const dailyFigures = z.object({
  timeZone: z.string(),
  days: z.array(
    z.object({
      day: z.string(),
      sent: z.number(),
      delivered: z.number(),
      read: z.number(),
      converted: z.number(),
      readRate: z.number().nullable(),
      conversionRate: z.number().nullable(),
    }),
  ),
});
const trend = z.object({ term: z.string(), count: z.number(), previous: z.number(), share: z.number(), change: z.number().nullable() });
const wordsFigures = z.object({
  messages: z.number(),
  words: z.array(trend),
  intents: z.array(trend),
  watch: z.object({ term: z.string(), share: z.number(), below: z.number(), alert: z.boolean() }).nullable(),
});
const messagingRow = z.object({
  key: z.string(),
  label: z.string(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  failed: z.number(),
  readRate: z.number().nullable(),
  deliveryRate: z.number().nullable(),
  meanSecondsToRead: z.number().nullable(),
  replied: z.number(),
  replyRate: z.number().nullable(),
  converted: z.number(),
});
const messagingFigures = z.object({ totals: messagingRow, rows: z.array(messagingRow), optOuts: z.number() });
const funnelFigures = z.object({
  flows: z.array(
    z.object({
      flowId: z.string(),
      name: z.string(),
      entered: z.number(),
      // Runs that ended, by how; null with a tag filter (not kept per tag). Optional: older weekly snapshots lack it.
      ended: z.object({ succeeded: z.number(), failed: z.number(), cancelled: z.number() }).nullable().optional(),
      sent: z.number(),
      // Optional: weekly snapshots made before these figures existed lack them.
      failed: z.number().optional(),
      delivered: z.number(),
      read: z.number(),
      replied: z.number(),
      converted: z.number(),
      conversionRate: z.number().nullable(),
    }),
  ),
  stages: z.array(z.object({ stage: z.string(), label: z.string(), count: z.number(), dropOff: z.number().nullable() })),
  revenue: z.array(z.object({ currency: z.string(), amount: z.number(), orders: z.number() })).optional(),
  steps: z.array(
    z.object({
      flowVersionId: z.string(),
      version: z.number().nullable(),
      nodeId: z.string(),
      label: z.string(),
      reached: z.number(),
      sent: z.number(),
      failed: z.number().optional(),
      delivered: z.number(),
      read: z.number(),
      replied: z.number(),
      converted: z.number(),
    }),
  ),
  // Connections taken (a step's first visit leaving by `output`), with flowId and no tag; optional: older snapshots lack it.
  edges: z
    .array(z.object({ flowVersionId: z.string(), nodeId: z.string(), output: z.string(), taken: z.number() }))
    .nullable()
    .optional(),
});
const costFigures = z.object({
  lines: z.array(
    z.object({
      category: z.string(),
      country: z.string(),
      delivered: z.number(),
      unitPrice: z.number().nullable(),
      currency: z.string().nullable(),
      cost: z.number(),
    }),
  ),
  total: z.number(),
  currency: z.string().nullable(),
  delivered: z.number(),
  converted: z.number(),
  costPerMessage: z.number().nullable(),
  costPerConversion: z.number().nullable(),
});

const weeklySummary = z.object({ id: z.string(), weekStart: z.string(), from: z.string(), to: z.string(), createdAt: z.string() });

const weeklyDelivery = z.object({
  id: z.string(),
  weeklyId: z.string(),
  weekStart: z.string(),
  url: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});

const weeklyContent = z.object({
  service: envelope(serviceFigures),
  funnel: envelope(funnelFigures),
  messaging: envelope(messagingFigures),
  cost: envelope(costFigures),
  traffic: envelope(trafficFigures),
});

const RANGE_ERRORS = { 400: 'A bad range (from after to, longer than 400 days) or filter, named' };

/**
 * The reports (docs/REPORTS.md). Each reads the rollups only, for a range
 * and the previous period of the same length, so it answers in the same
 * time on a week or on months of messages.
 */
@ApiTags('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportQueriesService,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly rollups: ReportRollupService,
    private readonly weekly: ReportWeeklyService,
    private readonly deliveries: ReportWeeklyDeliveryService,
    private readonly recounts: ReportRecountService,
    private readonly wordAlerts: ReportWordAlertsService,
  ) {}

  private async both<T>(q: ReportQuery, run: (q: ReportQuery) => Promise<T>) {
    const previous = previousPeriod(q);
    return {
      range: { from: q.from.toISOString(), to: q.to.toISOString() },
      previousRange: { from: previous.from.toISOString(), to: previous.to.toISOString() },
      current: await run(q),
      previous: await run(previous),
    };
  }

  @Get('service')
  @Roles('admin', 'marketer', 'support')
  @ApiOperation({
    summary: 'Service efficiency: first response, reply and resolution times (median, p90; calendar and business hours), per agent',
  })
  @ZodResponse(envelope(serviceFigures))
  @ErrorResponses(RANGE_ERRORS)
  async service(@CurrentPrincipal() principal: Principal, @ZodQuery(reportQuerySchema) query: z.infer<typeof reportQuerySchema>) {
    return this.both(reportQuery(principal, query, this.clock.now()), (q) => this.reports.service(q));
  }

  @Get('traffic')
  @Roles('admin', 'marketer', 'support')
  @ApiOperation({ summary: 'Traffic: messages per weekday and hour in the workspace time zone, per day, conversations opened' })
  @ZodResponse(envelope(trafficFigures))
  @ErrorResponses(RANGE_ERRORS)
  async traffic(@CurrentPrincipal() principal: Principal, @ZodQuery(reportQuerySchema) query: z.infer<typeof reportQuerySchema>) {
    return this.both(reportQuery(principal, query, this.clock.now()), (q) => this.reports.traffic(q));
  }

  @Get('words')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: "Words and intents of customers' messages, stop words removed, with the trend and a watched word's share" })
  @ZodResponse(envelope(wordsFigures))
  @ErrorResponses(RANGE_ERRORS)
  async words(@CurrentPrincipal() principal: Principal, @ZodQuery(wordsQuery) query: z.infer<typeof wordsQuery>) {
    noTag(query.tag, 'the words report (words are not kept per contact)');
    const watch = query.watch ? { term: query.watch, below: query.below } : null;
    return this.both(reportQuery(principal, query, this.clock.now()), (q) => this.reports.words(q, query.limit, watch));
  }

  @Get('messaging')
  @Roles('admin', 'marketer')
  @ApiOperation({
    summary:
      'Messaging: sent, delivered, read, failed, replied and converted per flow, step, template, number, category, country or error code',
  })
  @ZodResponse(envelope(messagingFigures))
  @ErrorResponses(RANGE_ERRORS)
  async messaging(@CurrentPrincipal() principal: Principal, @ZodQuery(messagingQuery) query: z.infer<typeof messagingQuery>) {
    if (!['flow', 'step', 'number'].includes(query.by)) noTag(query.tag, `messaging by ${query.by} (per tag: by flow, step or number)`);
    return this.both(reportQuery(principal, query, this.clock.now()), (q) => this.reports.messaging(q, query.by));
  }

  @Get('funnel')
  @Roles('admin', 'marketer')
  @ApiOperation({
    summary:
      'Flow funnel: entered, each step reached, sent, failed, delivered, read, replied, converted, revenue (per flow; steps with flowId; one version with flowVersionId)',
  })
  @ZodResponse(envelope(funnelFigures))
  @ErrorResponses(RANGE_ERRORS)
  async funnel(@CurrentPrincipal() principal: Principal, @ZodQuery(funnelQuery) query: z.infer<typeof funnelQuery>) {
    return this.both(reportQuery(principal, query, this.clock.now()), (q) => this.reports.funnel(q, query.flowVersionId ?? null));
  }

  @Get('daily')
  @Roles('admin', 'marketer')
  @ApiOperation({
    summary:
      'Per local day (the workspace zone): messages sent, delivered, read and conversions, with the read rate and the conversion rate (the per-day charts of messaging and funnel; flow, number and tag filters)',
  })
  @ZodResponse(envelope(dailyFigures))
  @ErrorResponses(RANGE_ERRORS)
  async daily(@CurrentPrincipal() principal: Principal, @ZodQuery(reportQuerySchema) query: z.infer<typeof reportQuerySchema>) {
    return this.both(reportQuery(principal, query, this.clock.now()), (q) => this.reports.daily(q));
  }

  @Get('discount')
  @Roles('admin', 'marketer')
  @ApiOperation({
    summary:
      'Discount requests → orders: customers whose message had the discount intent in the range, and how many ordered within the conversion window after one (every flow: flowId is refused; number and tag filters)',
  })
  @ZodResponse(envelope(discountFigures))
  @ErrorResponses(RANGE_ERRORS)
  async discount(@CurrentPrincipal() principal: Principal, @ZodQuery(reportQuerySchema) query: z.infer<typeof reportQuerySchema>) {
    if (query.flowId !== undefined) {
      const message = 'flowId: discount requests are no flow’s (the figure covers every flow)';
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message, issues: [{ path: 'flowId', message }] });
    }
    const q = reportQuery(principal, query, this.clock.now());
    const previous = previousPeriod(q);
    // Both periods at once, on two connections.
    const [current, before] = await Promise.all([this.reports.discountConversion(q), this.reports.discountConversion(previous)]);
    return {
      range: { from: q.from.toISOString(), to: q.to.toISOString() },
      previousRange: { from: previous.from.toISOString(), to: previous.to.toISOString() },
      current,
      previous: before,
    };
  }

  @Get('cost')
  @Roles('admin', 'marketer')
  @ApiOperation({
    summary: 'Cost: delivered messages per Meta pricing category and country, priced by the price table; per message and per conversion',
  })
  @ZodResponse(envelope(costFigures))
  @ErrorResponses(RANGE_ERRORS)
  async cost(@CurrentPrincipal() principal: Principal, @ZodQuery(reportQuerySchema) query: z.infer<typeof reportQuerySchema>) {
    noTag(query.tag, 'the cost report (prices are per country and category, which the per-tag counts do not keep)');
    return this.both(reportQuery(principal, query, this.clock.now()), (q) => this.reports.cost(q));
  }

  @Get('prices')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'The price table: price per message by country and Meta pricing category' })
  @ZodResponse(z.object({ prices: z.array(priceView) }))
  async prices(@CurrentPrincipal() principal: Principal) {
    return { prices: await this.reports.prices(principal.workspaceId) };
  }

  @Put('prices')
  @Roles('admin')
  @ApiOperation({ summary: 'Replace the price table (one row per country and category; * = any other country); audited' })
  @ZodResponse(z.object({ prices: z.array(priceView) }))
  @ErrorResponses({ 400: 'A bad row, named; or the same country and category twice' })
  async putPrices(@CurrentPrincipal() principal: Principal, @ZodBody(pricesBody) body: z.infer<typeof pricesBody>) {
    const seen = new Set<string>();
    body.prices.forEach((p, i) => {
      const key = `${p.country}|${p.category}`;
      if (seen.has(key)) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: `prices.${i}: ${p.country} ${p.category} is listed twice`,
          issues: [{ path: `prices.${i}`, message: 'listed twice' }],
        });
      }
      seen.add(key);
    });
    const before = await this.reports.prices(principal.workspaceId);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM report_prices WHERE workspace_id = $1', [principal.workspaceId]);
      if (body.prices.length > 0) {
        await manager.query(
          `INSERT INTO report_prices (workspace_id, country, category, price, currency)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::numeric[], $5::text[])`,
          [
            principal.workspaceId,
            body.prices.map((p) => p.country),
            body.prices.map((p) => p.category),
            body.prices.map((p) => p.price),
            body.prices.map((p) => p.currency),
          ],
        );
      }
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'reports.prices.replaced',
          subjectType: 'report_prices',
          subjectId: null,
          details: { before, after: body.prices },
        },
        manager,
      );
    });
    return { prices: await this.reports.prices(principal.workspaceId) };
  }

  @Post('demo-data')
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Fill an empty workspace with 30 days of demo data for the reports (refused once it has real messages); audited',
  })
  @ZodResponse(z.object({ messages: z.number(), executions: z.number() }), { status: 201, description: 'Demo data written and rolled up' })
  @ErrorResponses({ 409: 'The workspace already has messages of its own, or no WhatsApp number' })
  async demoData(@CurrentPrincipal() principal: Principal) {
    const real = await this.dataSource.query(`SELECT 1 FROM messages WHERE workspace_id = $1 AND wamid NOT LIKE 'wamid.demo.%' LIMIT 1`, [
      principal.workspaceId,
    ]);
    if (Array.isArray(real) && real.length > 0) {
      throw new ConflictException({
        message: 'This workspace has messages of its own: demo data would mix with them.',
        code: 'workspace_not_empty',
      });
    }
    const numbers = await this.dataSource.query('SELECT 1 FROM whatsapp_numbers WHERE workspace_id = $1 LIMIT 1', [principal.workspaceId]);
    if (!Array.isArray(numbers) || numbers.length === 0) {
      throw new ConflictException({ message: 'Add a WhatsApp number first: demo conversations need one.', code: 'no_number' });
    }
    const written = await this.dataSource.transaction(async (manager) => {
      const result = await seedDemoData(manager, principal.workspaceId, { days: 30, sessionsPerDay: 60, now: this.clock.now() });
      await manager.query('DELETE FROM report_changes WHERE workspace_id = $1', [principal.workspaceId]);
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'reports.demo_data.created',
          subjectType: 'workspace',
          subjectId: principal.workspaceId,
          details: result,
        },
        manager,
      );
      return result;
    });
    await this.rollups.rebuild(principal.workspaceId);
    return written;
  }

  @Get('recount')
  @Roles('admin')
  @ApiOperation({
    summary: 'The latest recount of past report figures (after a business-hours change): queued, running with progress, or finished',
  })
  @ZodResponse(z.object({ recount: recountView.nullable() }))
  async recountStatus(@CurrentPrincipal() principal: Principal) {
    return { recount: await this.recounts.latest(principal.workspaceId) };
  }

  @Post('recount')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Recount past report figures with the current business hours and conversion window (a rebuild by the rollup job); audited. Answers the recount already queued or running instead of queueing another',
  })
  @ZodResponse(z.object({ recount: recountView, queued: z.boolean() }), {
    status: 202,
    description: 'Recount queued (or already under way)',
  })
  async recount(@CurrentPrincipal() principal: Principal) {
    return this.recounts.request(principal.workspaceId, principal.userId);
  }

  @Get('weekly')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'The weekly reports kept so far, newest first (made on the day and hour of settings reports.weekly)' })
  @ZodResponse(z.object({ data: z.array(weeklySummary) }))
  async weeklyList(@CurrentPrincipal() principal: Principal) {
    return { data: await this.weekly.list(principal.workspaceId) };
  }

  @Get('weekly/deliveries')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Deliveries of the weekly reports to the webhook of settings reports.weekly.webhookUrl (newest first), and the key their X-Parley-Signature uses',
  })
  @ZodResponse(z.object({ data: z.array(weeklyDelivery), signingKey: z.string() }))
  async weeklyDeliveries(@CurrentPrincipal() principal: Principal) {
    return { data: await this.deliveries.list(principal.workspaceId), signingKey: this.deliveries.signingKey(principal.workspaceId) };
  }

  @Get('weekly/:id')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'One weekly report: service, funnel, messaging, cost and traffic of the week, with the week before' })
  @ZodResponse(weeklySummary.extend({ content: weeklyContent }))
  @ErrorResponses({ 404: 'No such weekly report in this workspace' })
  async weeklyOne(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const found = await this.weekly.get(principal.workspaceId, id);
    if (!found) throw new NotFoundException('No such weekly report.');
    return { ...found, content: weeklyContent.parse(found.content) };
  }

  @Get('word-alerts')
  @Roles('admin', 'marketer')
  @ApiOperation({
    summary: 'Watched-word alerts: a word, under or over a share of customer messages over a trailing period, with its last check',
  })
  @ZodResponse(z.object({ data: z.array(wordAlertView) }))
  async wordAlertList(@CurrentPrincipal() principal: Principal) {
    return { data: await this.wordAlerts.list(principal.workspaceId) };
  }

  @Post('word-alerts')
  @Roles('admin', 'marketer')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a watched-word alert (checked every minute; a breach notifies the admins once); audited' })
  @ZodResponse(wordAlertView, { status: 201, description: 'Alert added' })
  @ErrorResponses({ 400: 'A bad field, named', 409: 'The word is already watched in that direction' })
  async wordAlertCreate(@CurrentPrincipal() principal: Principal, @ZodBody(wordAlertInput) body: z.infer<typeof wordAlertInput>) {
    const created = await this.wordAlerts.create(principal.workspaceId, body);
    if (!created) throw new ConflictException(`"${body.term}" is already watched ${body.direction} a share.`);
    await this.auditWordAlert(principal, 'reports.word_alert.created', created.id, { after: created });
    return created;
  }

  @Put('word-alerts/:id')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Change a watched-word alert (its breach is judged again at the next check); audited' })
  @ZodResponse(wordAlertView)
  @ErrorResponses({
    400: 'A bad field, named',
    404: 'No such alert in this workspace',
    409: 'Another alert watches that word in that direction',
  })
  async wordAlertUpdate(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(wordAlertInput) body: z.infer<typeof wordAlertInput>,
  ) {
    const updated = await this.wordAlerts.update(principal.workspaceId, id, body);
    if (updated === undefined) throw new NotFoundException('No such alert.');
    if (updated === null) throw new ConflictException(`"${body.term}" is already watched ${body.direction} a share.`);
    await this.auditWordAlert(principal, 'reports.word_alert.updated', id, { after: updated });
    return updated;
  }

  @Delete('word-alerts/:id')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Remove a watched-word alert; audited' })
  @ZodResponse(z.object({ removed: z.literal(true) }))
  @ErrorResponses({ 404: 'No such alert in this workspace' })
  async wordAlertRemove(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const removed = await this.wordAlerts.remove(principal.workspaceId, id);
    if (!removed) throw new NotFoundException('No such alert.');
    await this.auditWordAlert(principal, 'reports.word_alert.removed', id, { before: removed });
    return { removed: true as const };
  }

  private async auditWordAlert(principal: Principal, action: string, id: string, details: Record<string, WordAlert>): Promise<void> {
    await this.audit.record({
      workspaceId: principal.workspaceId,
      actorUserId: principal.userId,
      action,
      subjectType: 'report_word_alert',
      subjectId: id,
      details,
    });
  }
}
