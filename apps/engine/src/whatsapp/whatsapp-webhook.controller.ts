import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SIGNATURE_HEADER, verifyWebhookSignature, webhookEnvelopeSchema, webhookLimitProblem } from '@parley/whatsapp';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Public } from '../auth/public.decorator';
import { ErrorResponses, RawJsonBody, ZodQuery, ZodResponse } from '../common/api-contract';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { EngineMetrics, type WebhookOutcome } from '../metrics/engine-metrics';
import { WebhookIngestService } from './webhook-ingest.service';
import { WebhookSecretsService } from './webhook-secrets.service';

// A repeated parameter arrives as a list; the handshake then fails as any wrong token does (403).
const hubValue = z.union([z.string().max(1000), z.array(z.string().max(1000)).max(10)]).optional();
const verifyQuery = z.object({ 'hub.mode': hubValue, 'hub.verify_token': hubValue, 'hub.challenge': hubValue });

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Meta's webhook endpoint. A delivery is checked on its exact bytes, then
 * stored as received before the 200, and processed asynchronously, so Meta's
 * retries and our crashes can never lose or double it. A signed body beyond
 * the webhook limits (`WEBHOOK_LIMITS`) is stored `rejected` and answered 200:
 * Meta would only send it again.
 */
@ApiTags('whatsapp webhook')
@Controller('webhooks/whatsapp')
@Public()
export class WhatsAppWebhookController {
  constructor(
    private readonly ingest: WebhookIngestService,
    private readonly webhookSecrets: WebhookSecretsService,
    private readonly metrics: EngineMetrics,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /** The subscription handshake: echo hub.challenge when the verify token matches. */
  @Get()
  @ApiOperation({ summary: "Meta's subscription handshake: answers hub.challenge when hub.verify_token is WHATSAPP_VERIFY_TOKEN" })
  @ZodResponse(z.string(), { description: 'hub.challenge, echoed' })
  verify(@ZodQuery(verifyQuery) query: z.infer<typeof verifyQuery>): string {
    const mode = query['hub.mode'];
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    const expected = this.config.WHATSAPP_VERIFY_TOKEN;
    if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || !expected || !sameText(token, expected)) {
      throw new ForbiddenException('Verification failed.');
    }
    return challenge;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Meta's webhook deliveries, signed with X-Hub-Signature-256 (HMAC-SHA256 of the exact bytes with the app secret); stored before the 200",
  })
  @RawJsonBody(webhookEnvelopeSchema, 'A WhatsApp Cloud API webhook envelope (checked on its exact bytes)')
  @ZodResponse(z.object({ received: z.literal(true) }), { description: 'Stored; processed in the background' })
  @ErrorResponses({ 401: 'Missing or wrong X-Hub-Signature-256', 413: 'Larger than WEBHOOK_MAX_BYTES' })
  async receive(@Req() request: Request): Promise<{ received: true }> {
    const started = performance.now();
    let outcome: WebhookOutcome = 'error';
    try {
      outcome = await this.accept(request);
      return { received: true };
    } catch (error) {
      if (error instanceof UnauthorizedException) outcome = 'unauthorized';
      else if (error instanceof BadRequestException) outcome = 'bad_request';
      throw error;
    } finally {
      this.metrics.webhookAnswered(outcome, (performance.now() - started) / 1000);
    }
  }

  /** Checks and stores one delivery; throws the 4xx of a refused one. */
  private async accept(request: Request): Promise<'stored' | 'rejected_limits'> {
    const body: unknown = request.body;
    const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const signedFor = await this.signedFor(raw, request.headers[SIGNATURE_HEADER]);
    if (signedFor === undefined) throw new UnauthorizedException('Missing or invalid X-Hub-Signature-256.');
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BadRequestException('The body is not valid JSON.');
    }
    // Signed, so Meta's (or its app's) own words: kept as received and marked, but never processed, and never retried.
    const problem = webhookLimitProblem(json);
    if (problem) {
      await this.ingest.store(raw, signedFor, `beyond the webhook limits: ${problem}`);
      return 'rejected_limits';
    }
    const envelope = webhookEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      throw new BadRequestException('The body is not a WhatsApp webhook (object and entry[] are required).');
    }
    await this.ingest.store(raw, signedFor);
    return 'stored';
  }

  /**
   * Who signed the body: null for the deployment's app secret (trusted for
   * every number), the phone number ids of a number's own app when its secret
   * did, undefined when none did.
   */
  private async signedFor(raw: Buffer, header: string | string[] | undefined): Promise<string[] | null | undefined> {
    const deployment = [this.config.WHATSAPP_APP_SECRET, this.config.WHATSAPP_APP_SECRET_PREVIOUS].filter(
      (s): s is string => typeof s === 'string',
    );
    if (verifyWebhookSignature(raw, header, deployment)) return null;
    const numbers: string[] = [];
    for (const own of await this.webhookSecrets.numberSecrets()) {
      if (verifyWebhookSignature(raw, header, [own.secret])) numbers.push(...own.phoneNumberIds);
    }
    return numbers.length > 0 ? numbers : undefined;
  }
}
