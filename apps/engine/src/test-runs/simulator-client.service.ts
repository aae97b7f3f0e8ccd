import { ConflictException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { z } from 'zod';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';

const customerSchema = z.object({
  waId: z.string(),
  name: z.string(),
  lastMessage: z.string().nullable().default(null),
  lastInboundAt: z.string().nullable().default(null),
});
const customersSchema = z.object({ data: z.array(customerSchema) });
const customerWroteSchema = z.object({ wamid: z.string(), delivered: z.boolean() });

/** A message as the simulator's customers send it (`POST /sim/customer-messages`). */
export type SimulatorCustomerMessage =
  | { type: 'text'; text: string }
  | { type: 'button_reply'; id: string; title: string }
  | { type: 'list_reply'; id: string; title: string }
  | { type: 'location'; latitude: number; longitude: number };

export type SimulatedCustomer = z.infer<typeof customerSchema>;

const TIMEOUT_MS = 5000;
/** The simulator answers a customer's message once its webhook was delivered (or given up after Meta-like retries). */
const CUSTOMER_MESSAGE_TIMEOUT_MS = 20_000;

/** Why test runs are refused on an installation without a simulator. */
export const NO_SIMULATOR = 'Test runs send to the WhatsApp simulator, and this installation has none (set SIMULATOR_URL).';

/** The WhatsApp simulator's control API (/sim), for test runs: its customers are the only people a test may reach. */
@Injectable()
export class SimulatorClientService {
  constructor(@Inject(ENGINE_CONFIG) private readonly config: EngineConfig) {}

  /** Null when this deployment has no simulator. */
  get url(): string | null {
    return this.config.SIMULATOR_URL?.replace(/\/+$/, '') ?? null;
  }

  /** True when every WhatsApp message of this deployment goes to the simulator anyway (development, `npm start`). */
  get carriesAllTraffic(): boolean {
    return this.url !== null && this.config.WHATSAPP_API_BASE_URL.replace(/\/+$/, '') === this.url;
  }

  requireUrl(): string {
    const url = this.url;
    if (url === null) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        code: 'simulator_unavailable',
        message: NO_SIMULATOR,
      });
    }
    return url;
  }

  async customers(phoneNumberId: string): Promise<SimulatedCustomer[]> {
    const body = await this.call('GET', `/sim/customers?phoneNumberId=${encodeURIComponent(phoneNumberId)}`);
    return customersSchema.parse(body).data;
  }

  /** Adds the customer to the simulator (a name renames it); the simulator answers with the customer. */
  async ensureCustomer(waId: string, name: string | undefined): Promise<SimulatedCustomer> {
    return customerSchema.parse(await this.call('POST', '/sim/customers', name === undefined ? { waId } : { waId, name }));
  }

  /**
   * The simulated customer writes to the business: the simulator posts Meta's
   * signed webhook to the engine and answers whether it was delivered.
   */
  async customerWrites(input: {
    phoneNumberId: string;
    waId: string;
    message: SimulatorCustomerMessage;
    wamid: string;
  }): Promise<{ wamid: string; delivered: boolean }> {
    const body = { phoneNumberId: input.phoneNumberId, from: input.waId, message: input.message, wamid: input.wamid };
    return customerWroteSchema.parse(await this.call('POST', '/sim/customer-messages', body, CUSTOMER_MESSAGE_TIMEOUT_MS));
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = TIMEOUT_MS): Promise<unknown> {
    const base = this.requireUrl();
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ServiceUnavailableException(
        `The WhatsApp simulator at ${base} cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const text = await response.text();
    if (!response.ok) throw new ServiceUnavailableException(`The WhatsApp simulator answered ${response.status}: ${text.slice(0, 300)}`);
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed;
    } catch {
      throw new ServiceUnavailableException('The WhatsApp simulator answered something that is not JSON.');
    }
  }
}
