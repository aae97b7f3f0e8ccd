import { graphError } from './graph-error';
import { HttpError, parseJson, StallError } from './http-io';
import { META_ERRORS, type MetaError } from './meta-errors';
import { pricingFor } from './pricing';
import {
  contactsSchema,
  interactiveSchema,
  locationSchema,
  markReadSchema,
  MEDIA_TYPES,
  mediaSchema,
  reactionSchema,
  sendRequestSchema,
  templateSchema,
  textSchema,
} from './send-request';
import type { SimulatorCore } from './simulator-core';
import { takeFault, type SimulatedUser } from './simulator-state';
import { checkTemplateSend } from './template-check';
import type { RegisteredTemplate } from './template-registry';
import { newWamid } from './wire-ids';

const WINDOW_MS = 24 * 60 * 60 * 1000;
const ENTRY_POINT_MS = 72 * 60 * 60 * 1000;

function invalid(details: string | undefined): HttpError {
  return new HttpError(400, graphError(100, 'Invalid parameter', details ?? 'Invalid parameter'));
}

function rejected(error: MetaError, status = 400): HttpError {
  return new HttpError(status, graphError(error.code, error.title, error.details));
}

/** The type-specific object of a send, checked against Meta's limits. */
function checkTypePart(type: string, part: unknown): void {
  const schema =
    type === 'text'
      ? textSchema
      : type === 'template'
        ? templateSchema
        : type === 'interactive'
          ? interactiveSchema
          : type === 'reaction'
            ? reactionSchema
            : type === 'location'
              ? locationSchema
              : type === 'contacts'
                ? contactsSchema
                : MEDIA_TYPES.some((t) => t === type)
                  ? mediaSchema
                  : null;
  if (schema === null)
    throw rejected({ code: 131051, title: 'Unsupported message type', details: `Message type ${type} is not supported.` });
  const check = schema.safeParse(part);
  if (!check.success) throw invalid(check.error.issues[0]?.message);
}

/** `{status: "read", message_id}`: marks the customer's message (and the ones before it) read; may show "typing…". */
function markRead(core: SimulatorCore, phoneNumberId: string, body: unknown): Record<string, unknown> {
  const parsed = markReadSchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message);
  const target = core.state.inbound.find((m) => m.wamid === parsed.data.message_id && m.phoneNumberId === phoneNumberId);
  if (!target) throw invalid(`Invalid message_id ${parsed.data.message_id}: no such message was received by this number.`);
  for (const message of core.state.inbound) {
    if (message.phoneNumberId === phoneNumberId && message.from === target.from && message.sentAt.getTime() <= target.sentAt.getTime())
      message.readByBusiness = true;
  }
  if (parsed.data.typing_indicator) target.typingShownAt = core.now();
  core.feed.changed();
  return { success: true };
}

/** A marketing template Meta would not deliver, or null. */
function marketingRefusal(core: SimulatorCore, wabaId: string, to: string, user: SimulatedUser | undefined): MetaError | null {
  if (user?.marketingStopped?.has(wabaId)) return META_ERRORS.marketingStopped;
  if (core.options.blockUsMarketing !== false && to.startsWith('1')) {
    return { ...META_ERRORS.ecosystem, details: 'Marketing template messages are not delivered to US (+1) phone numbers.' };
  }
  const cap = core.options.marketingCap;
  if (cap && user) {
    const since = core.now().getTime() - (cap.windowHours ?? 24) * 60 * 60 * 1000;
    const recent = (user.marketingDeliveries?.get(wabaId) ?? []).filter((at) => at.getTime() > since).length;
    if (recent >= cap.perUser)
      return { ...META_ERRORS.ecosystem, details: `The user already received ${recent} marketing messages recently (cap ${cap.perUser}).` };
  }
  return null;
}

/** The answer to a send, and how long it takes to come (an injected `slow` fault). */
export interface SendAnswer {
  body: Record<string, unknown>;
  delayMs: number;
}

/**
 * `POST /{version}/{phone-number-id}/messages`: Meta's checks in Meta's order
 * as far as it is observable (number, token, envelope, type limits), then
 * injected faults, template checks, the 24 h window, marketing policy and
 * rate limits. A refusal is a Graph error envelope; a send Meta would accept
 * and fail later gets 200 and, soon after, a `failed` status.
 */
export function answerSend(core: SimulatorCore, phoneNumberId: string, authorization: string | undefined, raw: Buffer): SendAnswer {
  const { state, options } = core;
  const number = state.numbers.get(phoneNumberId);
  if (!number) {
    throw new HttpError(
      400,
      graphError(
        100,
        'Invalid parameter',
        `Unsupported post request. Object with ID '${phoneNumberId}' does not exist.`,
        'GraphMethodException',
      ),
    );
  }
  if ((authorization ?? '') !== `Bearer ${number.accessToken}`) {
    throw new HttpError(401, graphError(190, 'Invalid OAuth access token', 'The access token could not be decrypted or is invalid.'));
  }
  const body = parseJson(raw);
  if (typeof body === 'object' && body !== null && 'status' in body && !('type' in body))
    return { body: markRead(core, phoneNumberId, body), delayMs: 0 };
  const parsed = sendRequestSchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message);
  const message = parsed.data;
  checkTypePart(message.type, message[message.type]);

  const address = (message.to ?? message.recipient ?? '').replace(/^\+/, '');
  const user = state.userByAddress(address);
  const to = message.to === undefined && user ? (user.userId ?? address) : address;
  const fault = takeFault(state, to);
  if (fault?.kind === 'graph_error') {
    const code = fault.code ?? 131000;
    throw new HttpError(
      code === 130429 || code === 131056 ? 400 : 500,
      graphError(code, 'Injected fault', `The simulator was asked to fail this send with ${code}.`),
    );
  }
  if (fault?.kind === 'server_error') throw new HttpError(502, { message: 'Bad gateway (injected)' });

  const now = core.now();
  let template: RegisteredTemplate | null = null;
  if (message.type === 'template') {
    const send = templateSchema.parse(message['template']);
    const check = checkTemplateSend(state.templates, number.wabaId, send);
    if (!check.ok) throw rejected(check.error);
    template = check.template;
  }
  const lastInbound = user?.lastInboundAt.get(phoneNumberId);
  const insideWindow = lastInbound !== undefined && now.getTime() - lastInbound.getTime() <= WINDOW_MS;
  let failure: MetaError | null = null;
  // Templates may start a conversation; anything else needs the customer's message in the last 24 hours.
  if (message.type !== 'template' && !insideWindow) {
    if ((options.windowErrors ?? 'sync') === 'sync') throw rejected(META_ERRORS.reEngagement);
    failure = META_ERRORS.reEngagement;
  }
  if (!failure && template?.category === 'MARKETING') {
    const refusal = marketingRefusal(core, number.wabaId, address, user);
    if (refusal && (options.marketingErrors ?? 'async') === 'sync') throw rejected(refusal);
    failure = refusal;
  }
  if (!failure && user?.onWhatsApp === false) failure = META_ERRORS.undeliverable;
  const limited = core.limiter.admitOutbound(phoneNumberId, to, now.getTime());
  if (limited) throw rejected(limited);

  const wamid = newWamid();
  const referralAt = user?.referralAt?.get(phoneNumberId);
  const pricing = pricingFor({
    templateCategory: message.type === 'template' ? (template?.category ?? 'UNKNOWN') : null,
    insideWindow,
    freeEntryPoint: referralAt !== undefined && now.getTime() - referralAt.getTime() <= ENTRY_POINT_MS,
  });
  const sent = {
    wamid,
    phoneNumberId,
    to,
    type: message.type,
    body: message,
    receivedAt: now,
    pricing,
    ...(failure ? { error: failure } : {}),
  };
  state.sent.push(sent);
  state.stamp(wamid);
  const recipient = user ?? (message.to !== undefined ? state.user(to) : undefined);
  if (!failure) {
    if (!insideWindow) state.reach.record(phoneNumberId, to, now);
    if (template?.category === 'MARKETING' && recipient) {
      recipient.marketingDeliveries ??= new Map();
      recipient.marketingDeliveries.set(number.wabaId, [...(recipient.marketingDeliveries.get(number.wabaId) ?? []), now]);
    }
  }
  core.lifecycle.accepted(sent, failure);
  core.feed.changed();
  // The nastiest failure: Meta took the message, but the answer is lost on the way back.
  if (fault?.kind === 'timeout') throw new StallError();
  return {
    body: {
      messaging_product: 'whatsapp',
      contacts: [message.to !== undefined ? { input: message.to, wa_id: to } : { input: message.recipient, user_id: to }],
      messages: [{ id: wamid, message_status: 'accepted' }],
    },
    // A slow Meta: the message is taken at once, the answer comes late.
    delayMs: fault?.kind === 'slow' ? (fault.delayMs ?? 5000) : 0,
  };
}
