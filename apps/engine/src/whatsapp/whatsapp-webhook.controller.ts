import { BadRequestException, Controller, ForbiddenException, Get, HttpCode, Inject, Logger, Post, Query, Req, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SIGNATURE_HEADER, verifyWebhookSignature, webhookEnvelopeSchema } from '@parley/whatsapp';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Public } from '../auth/public.decorator';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { Dispatcher } from '../dispatch/dispatcher';
import { WebhookDelivery } from './webhook-delivery.entity';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Meta's webhook endpoint. A delivery is checked on its exact bytes, then
 * stored as received before the 200, and processed asynchronously, so Meta's
 * retries and our crashes can never lose or double it.
 */
@ApiExcludeController()
@Controller('webhooks/whatsapp')
@Public()
export class WhatsAppWebhookController {
  private readonly logger = new Logger('WhatsAppWebhook');

  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /** The subscription handshake: echo hub.challenge when the verify token matches. */
  @Get()
  verify(
    @Query('hub.mode') mode: unknown,
    @Query('hub.verify_token') token: unknown,
    @Query('hub.challenge') challenge: unknown,
  ): string {
    const expected = this.config.WHATSAPP_VERIFY_TOKEN;
    if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || !expected || !sameText(token, expected)) {
      throw new ForbiddenException('Verification failed.');
    }
    return challenge;
  }

  @Post()
  @HttpCode(200)
  async receive(@Req() request: Request): Promise<{ received: true }> {
    const body: unknown = request.body;
    const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const secrets = [this.config.WHATSAPP_APP_SECRET, this.config.WHATSAPP_APP_SECRET_PREVIOUS].filter(
      (s): s is string => typeof s === 'string',
    );
    if (!verifyWebhookSignature(raw, request.headers[SIGNATURE_HEADER], secrets)) {
      throw new UnauthorizedException('Missing or invalid X-Hub-Signature-256.');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BadRequestException('The body is not valid JSON.');
    }
    const envelope = webhookEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      throw new BadRequestException('The body is not a WhatsApp webhook (object and entry[] are required).');
    }
    const saved = await this.dataSource.getRepository(WebhookDelivery).insert({
      provider: 'whatsapp',
      receivedAt: this.clock.now(),
      body: raw,
    });
    const id: unknown = saved.identifiers[0]?.['id'];
    if (typeof id === 'string' || typeof id === 'number') {
      // Stored durably already; if dispatch fails the sweeper picks the delivery up.
      await this.dispatcher.dispatch([{ kind: 'webhook', id: String(id) }]).catch((error: unknown) => {
        this.logger.warn(`Dispatch of webhook ${String(id)} failed; the sweeper will retry: ${String(error)}`);
      });
    }
    return { received: true };
  }
}
