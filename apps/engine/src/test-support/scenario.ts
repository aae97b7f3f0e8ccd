import type { FlowDocument } from '@parley/flow-core';
import { flowTemplate } from '@parley/flow-templates';
import type { CustomerMessage, TemplateDefinition } from '@parley/whatsapp-simulator';
import type { ApiClient } from './api-client';
import type { EngineHarness, TestWorkspace } from './engine-harness';
import { arr, obj, str } from './json';

export interface Customer {
  waId: string;
  says(text: string): Promise<void>;
  taps(id: string, title: string): Promise<void>;
  picks(id: string, title: string): Promise<void>;
  shares(latitude: number, longitude: number): Promise<void>;
  /** What the business sent this customer, as Cloud API bodies. */
  received(): Record<string, unknown>[];
  /** The texts of what the business sent (text bodies, interactive bodies, template names). */
  texts(): string[];
  contact(): Promise<Record<string, unknown>>;
  /** Records the customer's marketing opt-in (as a shop's sign-up form would): marketing templates need it. */
  optsInToMarketing(): Promise<void>;
}

function textOf(body: Record<string, unknown>): string {
  const text = body['text'];
  if (typeof text === 'object' && text !== null && 'body' in text) return String(text.body);
  const interactive = body['interactive'];
  if (typeof interactive === 'object' && interactive !== null && 'body' in interactive) {
    const inner = interactive.body;
    if (typeof inner === 'object' && inner !== null && 'text' in inner) return String(inner.text);
  }
  const template = body['template'];
  if (typeof template === 'object' && template !== null && 'name' in template) return `[template ${String(template.name)}]`;
  return `[${String(body['type'])}]`;
}

/** A workspace of its own in a harness, with helpers to act as customers, a CRM and a marketer. */
export class Scenario {
  constructor(
    readonly h: EngineHarness,
    readonly workspace: TestWorkspace,
  ) {}

  static async create(h: EngineHarness, name: string): Promise<Scenario> {
    return new Scenario(h, await h.addWorkspace(name));
  }

  get admin(): ApiClient {
    return this.workspace.admin;
  }

  async publish(document: FlowDocument | Record<string, unknown>, name = 'Flow under test'): Promise<string> {
    const created = await this.admin.post('/api/flows', { name, definition: document });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
    const id = str(obj(created.body)['id']);
    const published = await this.admin.post(`/api/flows/${id}/publish`, {});
    if (published.status !== 201) throw new Error(`publish failed: ${published.status} ${JSON.stringify(published.body)}`);
    return id;
  }

  async publishTemplate(id: string, adjust: (document: FlowDocument) => void = () => undefined): Promise<string> {
    const template = flowTemplate(id);
    if (!template) throw new Error(`no template ${id}`);
    const document: FlowDocument = JSON.parse(JSON.stringify(template.document));
    adjust(document);
    return this.publish(document, template.name);
  }

  customer(waId: string, name = 'Test Customer'): Customer {
    const send = async (message: CustomerMessage) => {
      const result = await this.h.simulator.customerSends({ phoneNumberId: this.workspace.phoneNumberId, from: waId, name, message });
      if (result.delivery && !result.delivery.delivered) throw new Error('the simulator could not deliver the webhook');
      await this.h.settle();
      await this.h.pace(this.workspace.id);
    };
    const received = () =>
      this.h.simulator.state.sent.filter((m) => m.to === waId && m.phoneNumberId === this.workspace.phoneNumberId).map((m) => m.body);
    return {
      waId,
      says: (text) => send({ type: 'text', text }),
      taps: (id, title) => send({ type: 'button_reply', id, title }),
      picks: (id, title) => send({ type: 'list_reply', id, title }),
      shares: (latitude, longitude) => send({ type: 'location', latitude, longitude }),
      received,
      texts: () => received().map(textOf),
      contact: () => this.contact(waId),
      optsInToMarketing: async () => {
        const id = str((await this.contact(waId))['id']);
        const response = await this.admin.request('PATCH', `/api/contacts/${id}`, { consent: { marketing: 'opted_in' } });
        if (response.status !== 200) throw new Error(`opt-in refused: ${response.status} ${JSON.stringify(response.body)}`);
      },
    };
  }

  async contact(waId: string): Promise<Record<string, unknown>> {
    const [row] = await this.h.sql('SELECT id FROM contacts WHERE workspace_id = $1 AND wa_id = $2', [this.workspace.id, waId]);
    if (!row) throw new Error(`no contact ${waId}`);
    const response = await this.admin.get(`/api/contacts/${str(row['id'])}`);
    return obj(response.body);
  }

  /** Posts a CRM/shop event as a connector would, and lets the engine react. */
  async crm(event: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await this.admin.post('/api/crm/events', event);
    if (response.status !== 202) throw new Error(`crm event refused: ${response.status} ${JSON.stringify(response.body)}`);
    await this.h.settle();
    await this.h.pace(this.workspace.id);
    return obj(response.body);
  }

  async executions(flowId: string): Promise<Record<string, unknown>[]> {
    const response = await this.admin.get(`/api/executions?flowId=${flowId}&limit=200`);
    return arr(obj(response.body)['data']).map(obj);
  }

  async execution(id: string): Promise<Record<string, unknown>> {
    return obj((await this.admin.get(`/api/executions/${id}`)).body);
  }

  /**
   * Meta approves these templates for the workspace's account and the registry
   * is synced from it: the policy gate judges a template by the registry's
   * category (one it does not have counts as marketing).
   */
  async approveTemplates(...templates: TemplateDefinition[]): Promise<void> {
    const [number] = await this.h.sql('SELECT id, waba_id FROM whatsapp_numbers WHERE workspace_id = $1', [this.workspace.id]);
    for (const template of templates) await this.h.simulator.addTemplate(str(number?.['waba_id']), template);
    await this.h.settle();
    const synced = await this.admin.post(`/api/whatsapp/numbers/${str(number?.['id'])}/templates/sync`, {});
    if (synced.status !== 200) throw new Error(`template sync refused: ${synced.status} ${JSON.stringify(synced.body)}`);
  }

  /** Sets workspace settings (stores, intents, allow list...). */
  async settings(change: Record<string, unknown>): Promise<void> {
    const response = await this.admin.request('PATCH', '/api/workspace/settings', change);
    if (response.status !== 200) throw new Error(`settings refused: ${response.status} ${JSON.stringify(response.body)}`);
  }
}
