import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { ZodResponse } from '../../common/api-contract';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { outgoingWebhookSecret } from './outgoing-webhook-secret';

const signingView = z.object({
  signingSecret: z.string().meta({ description: 'Key of the HMAC-SHA256 in X-Parley-Signature; keep it in the receiving tool' }),
  signatureHeader: z.literal('X-Parley-Signature'),
  timestampHeader: z.literal('X-Parley-Timestamp'),
  idempotencyHeader: z.literal('Idempotency-Key'),
  scheme: z.string(),
});

/** What an admin needs to check the "Send to webhook" step's deliveries in Zapier, Make or their own code. */
@ApiTags('crm')
@Controller('api/crm/outgoing-webhook')
@Roles('admin')
export class OutgoingWebhookController {
  constructor(@Inject(ENGINE_CONFIG) private readonly config: EngineConfig) {}

  @Get()
  @ApiOperation({ summary: 'The workspace key that signs "Send to webhook" deliveries, and how to check a signature' })
  @ZodResponse(signingView)
  signing(@CurrentPrincipal() principal: Principal): z.infer<typeof signingView> {
    return {
      signingSecret: outgoingWebhookSecret(principal.workspaceId, this.config.SECRETS_KEY),
      signatureHeader: 'X-Parley-Signature',
      timestampHeader: 'X-Parley-Timestamp',
      idempotencyHeader: 'Idempotency-Key',
      scheme: 'sha256=<hex HMAC-SHA256 of "<X-Parley-Timestamp>.<raw body>" keyed with signingSecret>',
    };
  }
}
