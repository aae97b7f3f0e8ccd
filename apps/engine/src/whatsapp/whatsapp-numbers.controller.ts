import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { WhatsAppNumbersService } from './whatsapp-numbers.service';

const token = z.string().trim().min(8, 'looks too short for an access token').max(4096);
// Meta's app secrets are 32 hex characters; a longer one may come from another provider's signing scheme.
const appSecret = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{16,128}$/, 'must be the app secret from the Meta app dashboard (letters and digits)');

const createSchema = z.object({
  phoneNumberId: z
    .string()
    .trim()
    .regex(/^\d{1,32}$/, 'must be the numeric phone number id from Meta'),
  accessToken: token,
  displayPhoneNumber: z.string().trim().max(32).optional(),
  wabaId: z
    .string()
    .trim()
    .regex(/^\d{0,32}$/)
    .optional(),
  appSecret: appSecret.optional(),
});
const rotateSchema = z.object({ accessToken: token });
const appSecretSchema = z.object({ appSecret });

const numberView = z.object({
  id: z.uuid(),
  phoneNumberId: z.string(),
  displayPhoneNumber: z.string(),
  wabaId: z.string(),
  tokenUpdatedAt: z.iso.datetime(),
  appSecret: z.enum(['own', 'deployment']).meta({ description: "Whose app secret checks this number's webhooks" }),
  appSecretUpdatedAt: z.iso.datetime().nullable(),
  qualityRating: z
    .string()
    .nullable()
    .meta({ description: "Meta's last quality event for the number (from phone_number_quality_update webhooks)" }),
  messagingLimit: z
    .string()
    .nullable()
    .meta({ description: 'Messaging-limit tier Meta last reported (TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED)' }),
  limitsUpdatedAt: z.iso.datetime().nullable(),
  templatesSyncedAt: z.iso.datetime().nullable(),
});

@ApiTags('whatsapp')
@Controller('api/whatsapp/numbers')
@Roles('admin')
export class WhatsAppNumbersController {
  constructor(private readonly numbers: WhatsAppNumbersService) {}

  @Get()
  @ApiOperation({ summary: 'Business numbers of the workspace (tokens are never returned)' })
  @ZodResponse(z.object({ data: z.array(numberView) }))
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.numbers.list(principal.workspaceId) };
  }

  @Post()
  @ApiOperation({ summary: 'Register a business number with its access token (stored encrypted)' })
  @ZodResponse(numberView, { status: 201, description: 'The new number' })
  @ErrorResponses({ 409: 'This phone number id is registered already' })
  create(@CurrentPrincipal() principal: Principal, @ZodBody(createSchema) body: z.infer<typeof createSchema>) {
    return this.numbers.create(principal.workspaceId, body, principal);
  }

  @Put(':id/token')
  @ApiOperation({ summary: 'Replace the access token of a number' })
  @ZodResponse(numberView)
  rotate(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(rotateSchema) body: z.infer<typeof rotateSchema>,
  ) {
    return this.numbers.rotateToken(principal, id, body.accessToken);
  }

  @Put(':id/app-secret')
  @ApiOperation({
    summary: "Set or replace the secret of the number's own Meta app (stored encrypted, never returned); its webhooks are checked with it",
  })
  @ZodResponse(numberView)
  setAppSecret(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(appSecretSchema) body: z.infer<typeof appSecretSchema>,
  ) {
    return this.numbers.setAppSecret(principal, id, body.appSecret);
  }

  @Delete(':id/app-secret')
  @ApiOperation({ summary: "Forget the number's own app secret: the deployment's WHATSAPP_APP_SECRET checks its webhooks again" })
  @ZodResponse(numberView)
  removeAppSecret(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.numbers.setAppSecret(principal, id, null);
  }
}
