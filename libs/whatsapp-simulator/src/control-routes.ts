import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { conversationView } from './conversation-view';
import { customerMessageSchema } from './customer-message';
import { controlBody, controlError, sendJson } from './http-io';
import { MESSAGING_TIERS, QUALITY_EVENTS } from './quality-update-payload';
import type { SimulatorCore } from './simulator-core';
import type { SimulatedUser } from './simulator-state';
import { TEMPLATE_STATUSES, templateDefinitionSchema } from './template-registry';

const waId = z.string().regex(/^\d{6,15}$/, 'must be the customer number in international form, digits only');
const phoneNumberId = z.string().regex(/^\d+$/).optional();
const bsuid = z.string().regex(/^[A-Z]{2}\.[A-Za-z0-9.]{1,128}$/, 'a BSUID looks like US.13491208655302741918');

const customerMessageRequest = z
  .object({
    phoneNumberId,
    from: waId,
    name: z.string().trim().min(1).max(100).optional(),
    text: z.string().min(1).max(4096).optional(),
    message: customerMessageSchema.optional(),
    userId: bsuid.optional(),
    hideNumber: z.boolean().optional(),
    wamid: z
      .string()
      .regex(/^wamid\.[A-Za-z0-9_=+/.-]{8,200}$/, 'a wamid looks like wamid.HBgLMzkz… (8 to 200 characters after "wamid.")')
      .optional(),
    sentAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((m) => m.text !== undefined || m.message !== undefined, 'give text or message');

const faultSchema = z.object({
  to: z
    .string()
    .regex(/^\d{6,15}$/)
    .optional(),
  kind: z.enum(['graph_error', 'server_error', 'timeout', 'slow']),
  code: z.number().int().positive().optional(),
  delayMs: z.number().int().min(1).max(120_000).optional(),
  times: z.number().int().min(1).max(1000).default(1),
});

const statusRequestSchema = z.object({
  wamid: z.string().min(1).max(200),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  error: z.object({ code: z.number().int().positive(), title: z.string().min(1).max(200) }).optional(),
});

const customerSchema = z.object({
  waId,
  name: z.string().trim().min(1).max(100).optional(),
  userId: bsuid.optional(),
  hideNumber: z.boolean().optional(),
  onWhatsApp: z.boolean().optional(),
});

const preferenceSchema = z.object({ phoneNumberId, waId, value: z.enum(['stop', 'resume']) });
const readSchema = z.object({ phoneNumberId, waId });
const wabaTarget = { wabaId: z.string().regex(/^\d+$/).optional(), phoneNumberId };
const templateRequestSchema = z.object({ ...wabaTarget, template: templateDefinitionSchema });
const templateStatusSchema = z.object({
  ...wabaTarget,
  name: z.string().min(1),
  language: z.string().min(2).optional(),
  status: z.enum(TEMPLATE_STATUSES),
  reason: z.string().max(200).nullable().optional(),
});
const qualitySchema = z.object({
  phoneNumberId,
  event: z.enum(QUALITY_EVENTS).default('UPGRADE'),
  currentLimit: z.enum(MESSAGING_TIERS),
  oldLimit: z.enum(MESSAGING_TIERS).optional(),
});

function customerJson(core: SimulatorCore, user: SimulatedUser, wabaId: string, phone: string): Record<string, unknown> {
  const last = core.state.inbound.filter((m) => m.phoneNumberId === phone && m.from === user.waId).at(-1);
  return {
    waId: user.waId,
    name: user.name,
    userId: user.userId ?? null,
    hideNumber: user.hideNumber === true,
    onWhatsApp: user.onWhatsApp !== false,
    marketingStopped: user.marketingStopped?.has(wabaId) === true,
    lastInboundAt: user.lastInboundAt.get(phone)?.toISOString() ?? null,
    lastMessage: last?.text ?? null,
  };
}

function wabaOf(core: SimulatorCore, input: { wabaId?: string | undefined; phoneNumberId?: string | undefined }): string {
  if (input.wabaId) return input.wabaId;
  try {
    return core.number(input.phoneNumberId).wabaId;
  } catch {
    throw controlError(400, 'Unknown business phone number id');
  }
}

function numberOf(core: SimulatorCore, id: string | undefined | null) {
  try {
    return core.number(id ?? undefined);
  } catch {
    throw controlError(400, 'Unknown business phone number id');
  }
}

/**
 * The simulator's own control API under /sim: act as customers, inject
 * faults and statuses, manage templates and account events, and feed the
 * phone page. Returns false when the path is not one of them.
 */
export async function controlRoute(core: SimulatorCore, request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
  const { state } = core;
  const route = `${request.method ?? 'GET'} ${url.pathname}`;
  switch (route) {
    case 'POST /sim/customer-messages': {
      const body = await controlBody(request, customerMessageRequest);
      const number = numberOf(core, body.phoneNumberId);
      try {
        const { sentAt, ...rest } = body;
        const result = await core.customerSends({
          ...rest,
          phoneNumberId: number.phoneNumberId,
          ...(sentAt === undefined ? {} : { sentAt: new Date(sentAt) }),
        });
        sendJson(response, 200, { wamid: result.wamid, delivered: result.delivery?.delivered ?? false });
      } catch (error) {
        throw controlError(400, error instanceof Error ? error.message : String(error));
      }
      return true;
    }
    case 'POST /sim/faults': {
      const body = await controlBody(request, faultSchema);
      state.faults.push({ ...body, remaining: body.times });
      sendJson(response, 201, { queued: state.faults.filter((f) => f.remaining > 0).length });
      return true;
    }
    case 'POST /sim/statuses': {
      const body = await controlBody(request, statusRequestSchema);
      if (!state.sent.some((m) => m.wamid === body.wamid)) throw controlError(404, `No sent message ${body.wamid}`);
      const delivery = await core.sendStatus(body.wamid, body.status, body.error);
      sendJson(response, 200, { delivered: delivery?.delivered ?? false });
      return true;
    }
    case 'GET /sim/messages': {
      const to = url.searchParams.get('to');
      sendJson(response, 200, { data: state.sent.filter((m) => to === null || m.to === to) });
      return true;
    }
    case 'GET /sim/config': {
      sendJson(response, 200, {
        statuses: core.lifecycle.enabled,
        numbers: [...state.numbers.values()].map((n) => ({
          phoneNumberId: n.phoneNumberId,
          displayPhoneNumber: n.displayPhoneNumber,
          wabaId: n.wabaId,
          uniqueRecipients24h: state.reach.count(n.phoneNumberId, core.now()),
          messagingLimit: state.qualityTier.get(n.phoneNumberId) ?? null,
        })),
      });
      return true;
    }
    case 'GET /sim/customers': {
      const number = numberOf(core, url.searchParams.get('phoneNumberId'));
      sendJson(response, 200, { data: [...state.users.values()].map((u) => customerJson(core, u, number.wabaId, number.phoneNumberId)) });
      return true;
    }
    case 'POST /sim/customers': {
      const body = await controlBody(request, customerSchema);
      const user = state.user(body.waId, body.name);
      if (body.userId !== undefined) user.userId = body.userId;
      if (body.hideNumber !== undefined) user.hideNumber = body.hideNumber;
      if (body.onWhatsApp !== undefined) user.onWhatsApp = body.onWhatsApp;
      const number = numberOf(core, undefined);
      core.feed.changed();
      sendJson(response, 200, customerJson(core, user, number.wabaId, number.phoneNumberId));
      return true;
    }
    case 'GET /sim/conversation': {
      const number = numberOf(core, url.searchParams.get('phoneNumberId'));
      const customer = waId.safeParse(url.searchParams.get('waId'));
      if (!customer.success) throw controlError(400, 'waId: give the customer number, digits only');
      const user = state.users.get(customer.data);
      if (!user) throw controlError(404, `No customer ${customer.data}`);
      const typing = state.inbound.filter((m) => m.phoneNumberId === number.phoneNumberId && m.from === user.waId).at(-1)?.typingShownAt;
      sendJson(response, 200, {
        customer: customerJson(core, user, number.wabaId, number.phoneNumberId),
        // "typing…" lasts about 25 s or until the business replies.
        typing:
          typing !== undefined &&
          core.now().getTime() - typing.getTime() < 25_000 &&
          !state.sent.some((m) => m.to === user.waId && m.receivedAt.getTime() >= typing.getTime()),
        messages: conversationView(state, number.phoneNumberId, user.waId),
      });
      return true;
    }
    case 'POST /sim/read': {
      const body = await controlBody(request, readSchema);
      const number = numberOf(core, body.phoneNumberId);
      sendJson(response, 200, { read: core.markRead(number.phoneNumberId, body.waId) });
      return true;
    }
    case 'POST /sim/user-preferences': {
      const body = await controlBody(request, preferenceSchema);
      numberOf(core, body.phoneNumberId);
      const delivery = await core.setMarketingPreference(body);
      sendJson(response, 200, { delivered: delivery?.delivered ?? false });
      return true;
    }
    case 'GET /sim/templates': {
      const wabaId = wabaOf(core, {
        wabaId: url.searchParams.get('wabaId') ?? undefined,
        phoneNumberId: url.searchParams.get('phoneNumberId') ?? undefined,
      });
      sendJson(response, 200, { data: state.templates.list(wabaId) });
      return true;
    }
    case 'POST /sim/templates': {
      const body = await controlBody(request, templateRequestSchema);
      const result = core.addTemplate(wabaOf(core, body), body.template);
      const delivery = await result.delivery;
      sendJson(response, result.replaced ? 200 : 201, {
        template: result.template,
        replaced: result.replaced,
        delivered: delivery?.delivered ?? false,
      });
      return true;
    }
    case 'POST /sim/templates/status': {
      const body = await controlBody(request, templateStatusSchema);
      const result = core.setTemplateStatus({ ...body, wabaId: wabaOf(core, body) });
      if (result.templates.length === 0) throw controlError(404, `No template ${body.name}${body.language ? ` (${body.language})` : ''}`);
      const deliveries = await result.delivery;
      sendJson(response, 200, { templates: result.templates, delivered: deliveries.every((d) => d?.delivered === true) });
      return true;
    }
    case 'POST /sim/quality': {
      const body = await controlBody(request, qualitySchema);
      numberOf(core, body.phoneNumberId);
      const delivery = await core.qualityUpdate(body);
      sendJson(response, 200, { delivered: delivery?.delivered ?? false });
      return true;
    }
    case 'GET /sim/events': {
      core.feed.subscribe(response);
      return true;
    }
    default:
      return false;
  }
}
