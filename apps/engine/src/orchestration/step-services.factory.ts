import { Inject, Injectable } from '@nestjs/common';
import { logicVariables, templateVariables } from '@parley/flow-core';
import type { RuntimeContact, StepServices, Store } from '@parley/node-sdk';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { preparedSqlRow } from '../runtime/prepared-sql';
import { Clock } from '../common/clock';
import { ContactActionsService } from '../contacts/contact-actions.service';
import { contactData } from '../contacts/runtime-contact-row';
import { CouponService } from '../coupons/coupon.service';
import { loadCrmContext } from '../crm/crm-context';
import { CrmFlowActionsService } from '../crm/flow-actions/crm-flow-actions.service';
import { signOutgoingWebhook } from '../crm/outgoing-webhook/outgoing-webhook-secret';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { guardedHttpRequest } from '../http/guarded-http-client';
import { NotifierService } from '../notifications/notifier.service';
import { ConsentService } from '../contacts/consent.service';
import { ConversationHandoverService } from '../conversations/conversation-handover.service';
import { PauseService } from '../pauses/pause.service';
import { WhatsAppSenderService } from '../whatsapp/whatsapp-sender.service';
import type { WorkTransaction } from '../runtime/work-transaction';
import type { WorkspaceRuntimeSettings } from '../workspaces/workspace-settings.service';
import { ConditionEngineService } from '../logic/condition-engine.service';
import { renderTemplate } from '../logic/template-renderer';

export interface StepScope {
  workspaceId: string;
  flowId: string;
  flowVersionId: string;
  executionId: string;
  nodeId: string;
  idempotencyKey: string;
  contact: RuntimeContact;
  event: { type: string; occurredAt: Date; payload: Readonly<Record<string, unknown>> };
  vars: Readonly<Record<string, unknown>>;
  /** Latest output of each earlier step, by node id. */
  stepOutputs: Readonly<Record<string, unknown>>;
  workspace: WorkspaceRuntimeSettings;
  /** Test runs: messages go to the simulator only, notifications say they come from a test. */
  testMode: boolean;
  /** The runner looked for a pause of this contact and flow just before this step and found none. */
  pauseLooked: boolean;
  /** The contact pass's transaction the step runs in, if any: a send's own statements run and commit there. */
  work: WorkTransaction | null;
}

export interface StepServicesWithLog {
  services: StepServices;
  /** Personalisation that fell back because a value was missing, for the step log. */
  missingVariables: string[];
}

/** Builds the services one step may use, bound to its execution, contact and data. */
@Injectable()
export class StepServicesFactory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly sender: WhatsAppSenderService,
    private readonly contacts: ContactActionsService,
    private readonly crm: CrmFlowActionsService,
    private readonly coupons: CouponService,
    private readonly pauses: PauseService,
    private readonly notifier: NotifierService,
    private readonly conditions: ConditionEngineService,
    private readonly consent: ConsentService,
    private readonly handover: ConversationHandoverService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  create(scope: StepScope): StepServicesWithLog {
    const missingVariables: string[] = [];
    const now = this.clock.now();
    const data: Record<string, unknown> = {
      contact: contactData(scope.contact),
      event: { type: scope.event.type, occurred_at: scope.event.occurredAt.toISOString(), ...scope.event.payload },
      vars: { ...scope.vars },
      steps: { ...scope.stepOutputs },
      now: now.toISOString(),
    };
    // The CRM part is loaded only when a template or rule of this step reads it.
    const withCrm = async (paths: readonly string[]): Promise<Record<string, unknown>> => {
      if (data['crm'] === undefined && paths.some((p) => p.startsWith('crm.'))) {
        data['crm'] = await loadCrmContext(this.dataSource, scope.workspaceId, scope.contact.id);
      }
      return data;
    };
    const behaviourScope = { contactId: scope.contact.id, now, intents: scope.workspace.intents, sentiment: scope.workspace.sentiment };
    const contactScope = { workspaceId: scope.workspaceId, contactId: scope.contact.id, source: `flow:${scope.flowId}` };
    const locale = scope.contact.locale ?? 'en';
    const timeZone = scope.contact.timeZone ?? scope.workspace.settings.timeZone;

    // Effects made through another connection or outside (tags, CRM, coupons, pauses, notifications, HTTP calls) come
    // after a checkpoint of the contact pass's transaction: the execution and its "running" step are stored before
    // them, so a rollback can never take back the execution an effect was made for (and a retry would repeat it
    // under a new id). A send needs none: it runs in that transaction and commits its claim before calling Meta.
    const work = scope.work;
    const committed = async <T>(effect: () => Promise<T>): Promise<T> => {
      await work?.checkpoint();
      return effect();
    };
    const crm = this.crm.forStep({ ...contactScope, executionId: scope.executionId, idempotencyKey: scope.idempotencyKey });
    const services: StepServices = {
      whatsapp: this.sender.forStep({
        workspaceId: scope.workspaceId,
        executionId: scope.executionId,
        nodeId: scope.nodeId,
        flowId: scope.flowId,
        flowVersionId: scope.flowVersionId,
        testMode: scope.testMode,
        pauseLooked: scope.pauseLooked,
        work: scope.work,
      }),
      contact: {
        addTags: (tags) => committed(() => this.contacts.addTags(contactScope, tags)),
        removeTags: (tags) => committed(() => this.contacts.removeTags(contactScope, tags)),
        setField: (name, value) => committed(() => this.contacts.setField(contactScope, name, value)),
        moveToList: (list) => committed(() => this.contacts.moveToList(contactScope, list)),
        setConsent: async (kind, value) => ({
          changed: await committed(() =>
            this.consent.record({
              workspaceId: scope.workspaceId,
              contactId: scope.contact.id,
              kind,
              value,
              source: `flow:${scope.flowId}`,
            }),
          ),
        }),
        assign: (userId) => committed(() => this.contacts.assign(contactScope, userId)),
        handOver: (note) =>
          committed(() =>
            this.handover.handOver({
              workspaceId: scope.workspaceId,
              contactId: scope.contact.id,
              flowId: scope.flowId,
              note,
              testMode: scope.testMode,
            }),
          ),
      },
      crm: {
        createOpportunity: (input) => committed(() => crm.createOpportunity(input)),
        createTask: (input) => committed(() => crm.createTask(input)),
        addNote: (input) => committed(() => crm.addNote(input)),
        findContact: (input) => committed(() => crm.findContact(input)),
        updateFields: (input) => committed(() => crm.updateFields(input)),
        lastOrder: () => committed(() => crm.lastOrder()),
      },
      coupons: {
        issue: (input) =>
          committed(() =>
            this.coupons.issue({ ...input, workspaceId: scope.workspaceId, contactId: scope.contact.id, executionId: scope.executionId }),
          ),
      },
      automation: {
        pauseContact: async (until, reason) => {
          await work?.checkpoint();
          await this.pauses.pause({
            workspaceId: scope.workspaceId,
            scope: 'contact',
            contactId: scope.contact.id,
            until,
            reason,
            actor: { kind: 'flow', userId: null },
          });
        },
      },
      notifier: {
        notify: async (input) => {
          await work?.checkpoint();
          const title = scope.testMode ? `[Test run] ${input.title}` : input.title;
          await this.notifier.notify({
            workspaceId: scope.workspaceId,
            ...input,
            title,
            kind: 'flow',
            subjectType: 'execution',
            subjectId: scope.executionId,
          });
        },
      },
      http: { request: (call) => committed(() => guardedHttpRequest(call, scope.workspace.settings.httpAllowList)) },
      webhookSigner: {
        sign: async (timestamp, body) => signOutgoingWebhook(scope.workspaceId, this.config.SECRETS_KEY, timestamp, body),
      },
      conditions: {
        evaluate: async (rule) => this.conditions.evaluate(rule, await withCrm(logicVariables(rule)), behaviourScope),
        compute: async (rule) => (await this.conditions.compute(rule, await withCrm(logicVariables(rule)), behaviourScope)).value,
      },
      render: async (template) => {
        const input = await withCrm(templateVariables(template).map((v) => v.path));
        const result = renderTemplate(template, input, { locale, timeZone, now });
        for (const path of result.missing) if (!missingVariables.includes(path)) missingVariables.push(path);
        return result.text;
      },
      stores: { nearest: () => this.nearestStore(scope) },
      matchIntent: (text, intent) => scope.workspace.intents.matches(text, intent),
      now: () => this.clock.now(),
      stableRandom: () => {
        const digest = createHash('sha256').update(`${scope.contact.id}:${scope.flowId}:${scope.nodeId}`).digest();
        return digest.readUIntBE(0, 6) / 2 ** 48;
      },
    };
    return { services, missingVariables };
  }

  /** The store nearest the location the contact last shared; else one in their city; else the first. */
  private async nearestStore(scope: StepScope): Promise<{ store: Store; distanceKm: number | null } | null> {
    const stores = scope.workspace.settings.stores;
    if (stores.length === 0) return null;
    const shared = await preparedSqlRow(
      this.dataSource,
      z.object({ latitude: z.coerce.number(), longitude: z.coerce.number() }),
      `SELECT payload -> 'location' ->> 'latitude' AS latitude, payload -> 'location' ->> 'longitude' AS longitude FROM events
        WHERE contact_id = $1 AND type = 'message.received' AND jsonb_typeof(payload -> 'location') = 'object'
        ORDER BY occurred_at DESC LIMIT 1`,
      [scope.contact.id],
    );
    if (shared) {
      const ranked = stores.map((store) => ({ store, distanceKm: haversineKm(shared, store) })).sort((a, b) => a.distanceKm - b.distanceKm);
      return ranked[0] ?? null;
    }
    const city = scope.contact.fields['city'];
    const inCity = typeof city === 'string' ? stores.find((s) => s.city.toLocaleLowerCase() === city.toLocaleLowerCase()) : undefined;
    const store = inCity ?? stores[0];
    return store ? { store, distanceKm: null } : null;
  }
}

/** Great-circle distance in km between two points. */
function haversineKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
