import { BadRequestException, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole } from '../auth/roles.decorator';
import { Clock } from '../common/clock';
import { NoContentResponse, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { ExecutionsService } from './executions.service';
import { SavedViewsService } from './saved-views.service';

const healthQuery = z.object({
  from: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional()
    .meta({ description: 'Start of the period (default: 24 hours before `to`)' }),
  to: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional()
    .meta({ description: 'End of the period (default: now)' }),
});

const period = z.object({ runs: z.number().int(), failures: z.number().int(), failureRate: z.number().nullable() });
const healthView = period.extend({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  previous: period.meta({ description: 'The period of the same length just before' }),
  running: z.number().int(),
  waiting: z.number().int(),
  held: z.number().int(),
  stuck: z.number().int(),
  stuckAfterMinutes: z.number().int(),
  countCap: z.number().int().meta({ description: 'Running, waiting and held are counted up to this many' }),
  stuckCountCap: z.number().int().meta({ description: 'Stuck runs are counted up to this many' }),
  capped: z
    .array(z.enum(['running', 'waiting', 'held', 'stuck']))
    .meta({ description: 'The counts that reached the cap: there are at least that many' }),
  parkedWebhooks: z
    .array(z.object({ id: z.string(), receivedAt: z.iso.datetime(), lastError: z.string().nullable(), attempts: z.number().int() }))
    .meta({ description: 'Webhook deliveries given up after their retries (installation-wide, newest 20)' }),
});

const savedView = z.object({ id: z.uuid(), name: z.string(), query: z.string(), createdAt: z.iso.datetime() });
const saveBody = z.object({
  name: z.string().trim().min(1).max(100),
  query: z
    .string()
    .max(2000)
    .regex(/^[\w\-.,:%+=&]*$/, 'must be the query string of an /executions address')
    .meta({ description: 'The explorer’s URL query, e.g. status=failed&errorCode=131047' }),
});

/** The explorer's strip and a person's saved filters. Declared before ExecutionsController so `/health` is not taken for an id. */
@ApiTags('executions')
@Controller('api/executions')
export class ExecutionsOverviewController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly views: SavedViewsService,
    private readonly clock: Clock,
  ) {}

  @Get('health')
  @AnyRole()
  @ApiOperation({
    summary: 'Runs, failures and failure rate vs the previous period; running, waiting, held and stuck now; parked webhooks',
  })
  @ZodResponse(healthView)
  health(@CurrentPrincipal() principal: Principal, @ZodQuery(healthQuery) query: z.infer<typeof healthQuery>) {
    const to = query.to ?? this.clock.now();
    const from = query.from ?? new Date(to.getTime() - 24 * 3_600_000);
    if (from >= to) throw new BadRequestException('from must be before to.');
    return this.executions.health(principal.workspaceId, from, to);
  }

  @Get('views')
  @AnyRole()
  @ApiOperation({ summary: 'Your saved explorer views' })
  @ZodResponse(z.object({ data: z.array(savedView) }))
  async listViews(@CurrentPrincipal() principal: Principal) {
    return { data: await this.views.list(principal) };
  }

  @Post('views')
  @AnyRole()
  @HttpCode(201)
  @ApiOperation({ summary: 'Save the current explorer filter under a name (yours only)' })
  @ZodResponse(savedView, { status: 201, description: 'Saved' })
  saveView(@CurrentPrincipal() principal: Principal, @ZodBody(saveBody) body: z.infer<typeof saveBody>) {
    return this.views.save(principal, body.name, body.query);
  }

  @Delete('views/:id')
  @AnyRole()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one of your saved views' })
  @NoContentResponse()
  async removeView(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    await this.views.remove(principal, id);
  }
}
