import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlRoute } from './control-routes';
import type { CustomerMessage } from './customer-message';
import { graphError } from './graph-error';
import { graphRoute } from './graph-routes';
import { HttpError, readBody, sendJson, StallError } from './http-io';
import { phonePageRoute } from './phone-page';
import type { MessagingTier, QualityEvent } from './quality-update-payload';
import { answerSend } from './send-handler';
import { type CustomerSendInput, SimulatorCore } from './simulator-core';
import type { SimulatorOptions } from './simulator-options';
import type { SimulatorState } from './simulator-state';
import type { SimulatedStatus } from './status-payload';
import type { RegisteredTemplate, TemplateDefinition, TemplateStatus } from './template-registry';
import type { MarketingPreference } from './user-preferences-payload';
import type { DeliveryOutcome, WebhookTarget } from './webhook-emitter';

export type { SimulatorOptions } from './simulator-options';

export interface RunningSimulator {
  url: string;
  state: SimulatorState;
  /** A simulated customer writes to the business; resolves when the webhook was delivered (or gave up). */
  customerSends(input: {
    phoneNumberId: string;
    from: string;
    name?: string;
    text?: string;
    message?: CustomerMessage;
    userId?: string;
    hideNumber?: boolean;
  }): Promise<{
    wamid: string;
    delivery: DeliveryOutcome | null;
  }>;
  /** Delivers the webhook of an earlier inbound message again, as Meta does when it retries. */
  redeliver(wamid: string): Promise<DeliveryOutcome>;
  /**
   * Reports a status of a message the business sent (sent, delivered, read,
   * failed), with the send's biz_opaque_callback_data, as Meta's status webhook.
   */
  sendStatus(wamid: string, status: SimulatedStatus, error?: { code: number; title: string }): Promise<DeliveryOutcome | null>;
  /** Points webhooks somewhere else (e.g. once the receiving server knows its port). */
  setWebhook(target: WebhookTarget | undefined): void;
  /** The customer stops or resumes marketing messages (the `user_preferences` webhook; 131050 while stopped). */
  setMarketingPreference(input: { phoneNumberId?: string; waId: string; value: MarketingPreference }): Promise<DeliveryOutcome | null>;
  /** The customer opens the chat: the business's messages become read (only when status webhooks are on). Returns how many. */
  markRead(input: { phoneNumberId: string; waId: string }): number;
  /** Adds or replaces a template (same name and language) and sends its `message_template_status_update`. */
  addTemplate(
    wabaId: string,
    template: TemplateDefinition,
  ): Promise<{ template: RegisteredTemplate; replaced: boolean; delivery: DeliveryOutcome | null }>;
  /** Changes a template's status (every language when none is given) and sends the webhooks. */
  setTemplateStatus(input: {
    wabaId: string;
    name: string;
    language?: string;
    status: TemplateStatus;
    reason?: string | null;
  }): Promise<RegisteredTemplate[]>;
  /** Sends a `phone_number_quality_update` (messaging limit / throughput change). */
  qualityUpdate(input: {
    phoneNumberId?: string;
    event: QualityEvent;
    currentLimit: MessagingTier;
    oldLimit?: MessagingTier;
  }): Promise<DeliveryOutcome | null>;
  /** Resolves when no status is planned and no webhook is queued or in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a local Graph API stand-in on `port` (0 = any free port). */
export async function startSimulator(options: SimulatorOptions, port = 0, host = '127.0.0.1'): Promise<RunningSimulator> {
  const core = new SimulatorCore(options);

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const handled = async (): Promise<void> => {
      const send = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(url.pathname);
      if (request.method === 'POST' && send?.[2]) {
        const raw = await readBody(request);
        const answer = answerSend(core, decodeURIComponent(send[2]), request.headers.authorization, raw);
        if (answer.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
        sendJson(response, 200, answer.body);
        return;
      }
      if (await graphRoute(core, request, response, url)) return;
      if (url.pathname.startsWith('/sim/') && (await controlRoute(core, request, response, url))) return;
      if (await phonePageRoute(request, response, url)) return;
      throw new HttpError(404, { error: { message: 'Unknown path', code: 404 } });
    };
    handled().catch((error: unknown) => {
      if (error instanceof StallError) {
        // Never answer: the caller's timeout decides. Closed when the server closes.
        return;
      }
      if (error instanceof HttpError) {
        sendJson(response, error.status, error.body);
      } else {
        sendJson(response, 500, graphError(1, 'An unknown error occurred', String(error)));
      }
    });
  });
  // A taken port rejects here instead of crashing the process with an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : port;
  const url = `http://${host}:${boundPort}`;
  core.baseUrl = url;

  return {
    url,
    state: core.state,
    customerSends: (input: CustomerSendInput) => core.customerSends(input),
    redeliver: (wamid) => core.redeliver(wamid),
    sendStatus: (wamid, status, error) => core.sendStatus(wamid, status, error),
    setWebhook: (target) => core.setWebhook(target),
    setMarketingPreference: (input) => core.setMarketingPreference(input),
    markRead: (input) => core.markRead(input.phoneNumberId, input.waId),
    async addTemplate(wabaId, template) {
      const result = core.addTemplate(wabaId, template);
      return { template: result.template, replaced: result.replaced, delivery: await result.delivery };
    },
    async setTemplateStatus(input) {
      const result = core.setTemplateStatus(input);
      await result.delivery;
      return result.templates;
    },
    qualityUpdate: (input) => core.qualityUpdate(input),
    idle: () => core.idle(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        core.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
