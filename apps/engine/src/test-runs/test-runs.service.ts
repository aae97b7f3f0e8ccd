import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { isEventType, type NodeCatalog } from '@parley/flow-core';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { toE164 } from '../contacts/phone-number';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { ExecutionStore } from '../executions/execution-store.service';
import { FlowsService } from '../flows/flows.service';
import { NODE_CATALOG } from '../flows/node-catalog.token';
import { compileFlow } from '../runtime/compiled-flow';
import type { NodeHandlerRegistry } from '../runtime/node-handler-registry';
import { NODE_HANDLERS } from '../runtime/node-handlers.token';
import { effectiveIntents } from '../workspaces/workspace-settings';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { NO_SIMULATOR, type SimulatedCustomer, SimulatorClientService, type SimulatorCustomerMessage } from './simulator-client.service';
import { sampleEvent, type SampleEvent, simulatorMessage, testEventPayload } from './test-event';
import { TestRunMessagesService } from './test-run-messages.service';

export interface TestRunRequest {
  customer: { waId: string; name?: string | undefined };
  event?: { type: string; payload?: Record<string, unknown> | undefined } | undefined;
  skipWaits: boolean;
}

const numberRow = z.object({ id: z.string(), phone_number_id: z.string() });
const contactRow = z.object({ id: z.string(), simulated: z.boolean() });
const idRow = z.object({ id: z.string() });

/** How long a test run waits for the engine to handle the customer's message the simulator delivered. */
const START_TIMEOUT_MS = 20_000;

/**
 * Runs a flow's saved draft for one customer of the WhatsApp simulator: the
 * draft is validated and frozen as a test version, the event is stored as
 * already handled (no live flow reacts to it), and the execution is marked
 * test mode, so each message goes to the simulator and never to Meta.
 */
@Injectable()
export class TestRunsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly flows: FlowsService,
    @Inject(NODE_HANDLERS) private readonly handlers: NodeHandlerRegistry,
    @Inject(NODE_CATALOG) private readonly catalog: NodeCatalog,
    private readonly workspaces: WorkspaceSettingsService,
    private readonly simulator: SimulatorClientService,
    private readonly testRunMessages: TestRunMessagesService,
    private readonly dispatcher: Dispatcher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly executions: ExecutionStore,
  ) {}

  /** The simulator's customers, with the contact each one already is in this workspace. */
  async customers(workspaceId: string) {
    if (this.simulator.url === null) {
      return { available: false, reason: NO_SIMULATOR, customers: [] };
    }
    const number = await this.number(workspaceId);
    const customers = await this.simulator.customers(number.phone_number_id);
    const known = await sqlRows(
      this.dataSource,
      z.object({ id: z.string(), wa_id: z.string() }),
      'SELECT id, wa_id FROM contacts WHERE workspace_id = $1 AND wa_id = ANY($2)',
      [workspaceId, customers.map((c) => c.waId)],
    );
    const contactOf = new Map(known.map((k) => [k.wa_id, k.id]));
    return {
      available: true,
      reason: null,
      customers: customers.map((c) => ({
        waId: c.waId,
        name: c.name,
        contactId: contactOf.get(c.waId) ?? null,
        lastMessage: c.lastMessage,
        lastInboundAt: c.lastInboundAt,
      })),
    };
  }

  /** An event that starts the draft's trigger as configured. */
  async sample(workspaceId: string, flowId: string): Promise<SampleEvent & { eventTypes: readonly string[] }> {
    const document = await this.flows.draftDocument(workspaceId, flowId);
    const workspace = await this.workspaces.get(workspaceId);
    for (const node of document.nodes) {
      if (this.catalog.get(node.type, node.typeVersion)?.kind !== 'trigger') continue;
      const sample = sampleEvent(node.type, node.config, effectiveIntents(workspace.settings));
      if (sample) return { ...sample, eventTypes: this.handlers.trigger(node.type, node.typeVersion)?.eventTypes ?? [sample.type] };
    }
    throw new ConflictException('The draft has no trigger yet: add one to say what starts the flow.');
  }

  async start(principal: Principal, flowId: string, request: TestRunRequest) {
    this.simulator.requireUrl();
    const { workspaceId } = principal;
    const draft = await this.flows.testableDraft(principal, flowId);
    // Compiled in memory first: a request that fails a check below leaves nothing behind.
    const flow = compileFlow({ id: 'draft', flowId, version: draft.revision, definition: draft.document }, this.catalog, this.handlers);
    const workspace = await this.workspaces.get(workspaceId);
    const trigger = flow.trigger;

    const sample = sampleEvent(trigger.node.type, trigger.config, effectiveIntents(workspace.settings));
    const type = request.event?.type ?? sample?.type;
    if (type === undefined || !isEventType(type)) throw new BadRequestException(`event.type: "${String(type)}" is not an event type.`);
    if (!trigger.handler.eventTypes.includes(type)) {
      throw new BadRequestException(
        `event.type: this flow starts on ${trigger.handler.eventTypes.join(' or ')}; a ${type} event would not start it.`,
      );
    }
    const number = await this.number(workspaceId);
    const now = this.clock.now();
    const payload = testEventPayload(type, request.event?.payload ?? (sample?.type === type ? sample.payload : {}), {
      flowId,
      phoneNumberId: number.phone_number_id,
      now,
    });
    if (!payload.ok) throw new BadRequestException(payload.message);
    const matched = trigger.handler.matches({
      config: trigger.config,
      event: { id: 'test', type, occurredAt: now, contactId: 'test', payload: payload.payload },
      flowId,
      matchIntent: (text, intent) => workspace.intents.matches(text, intent),
    });
    if (!matched) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        code: 'trigger_not_matched',
        message: `This ${type} event would not start the flow: it does not fit the trigger "${trigger.node.label ?? trigger.definition.displayName}". Change the event or the trigger.`,
      });
    }

    // A customer message is sent by the simulated customer, through the simulator, like a real one.
    const customerMessage = type === 'message.received' ? simulatorMessage(payload.payload) : null;
    if (customerMessage && !customerMessage.ok) throw new BadRequestException(customerMessage.message);

    const customer = await this.simulator.ensureCustomer(request.customer.waId, request.customer.name);
    if (customerMessage) {
      return this.startWithCustomerMessage(principal, draft, {
        numberId: number.id,
        phoneNumberId: number.phone_number_id,
        customer,
        message: customerMessage.message,
        skipWaits: request.skipWaits,
      });
    }
    const { eventId, executionId, versionId, contactId } = await this.dataSource.transaction(async (manager) => {
      const contactId = await this.simulatedContact(manager, workspaceId, number.id, customer.waId, customer.name);
      const version = await this.flows.freezeForTest(manager, principal, draft);
      // Stored as already handled: only this test run sees it (and behaviour conditions count it, as they would a real one).
      const event = await sqlRow(
        manager,
        idRow,
        `INSERT INTO events (workspace_id, contact_id, type, source, source_id, occurred_at, received_at, payload, processed_at)
         VALUES ($1, $2, $3, 'test', $4, $5, $5, $6, $5) RETURNING id::text AS id`,
        [workspaceId, contactId, type, randomUUID(), now, JSON.stringify(payload.payload)],
      );
      if (!event) throw new Error('The test event was not stored.');
      const executionId = await this.executions.startTestRun(
        manager,
        {
          workspaceId,
          flowId,
          flowVersionId: version.id,
          contactId,
          triggerEventId: event.id,
          triggerNodeId: trigger.node.id,
          skipWaits: request.skipWaits,
        },
        now,
      );
      await this.audit.record(
        {
          workspaceId,
          actorUserId: principal.userId,
          action: 'flow.test_run',
          subjectType: 'flow',
          subjectId: flowId,
          details: { executionId, draftRevision: version.version, customer: customer.waId, eventType: type },
        },
        manager,
      );
      return { eventId: event.id, executionId, versionId: version.id, contactId };
    });
    await this.dispatcher.dispatch([{ kind: 'contact', id: contactId }]);
    return { executionId, contactId, eventId, flowVersionId: versionId };
  }

  /**
   * A test run that starts with the customer writing: the message is claimed
   * for this run, then sent by the simulated customer. The simulator posts
   * Meta's signed webhook, the engine stores the message (the customer service
   * window opens, on the contact and on the simulator) and its event starts
   * this test execution, and no live flow. Answers once the execution exists.
   */
  private async startWithCustomerMessage(
    principal: Principal,
    draft: Awaited<ReturnType<FlowsService['testableDraft']>>,
    input: {
      numberId: string;
      phoneNumberId: string;
      customer: SimulatedCustomer;
      message: SimulatorCustomerMessage;
      skipWaits: boolean;
    },
  ) {
    const { workspaceId } = principal;
    const { claim, versionId, contactId } = await this.dataSource.transaction(async (manager) => {
      const contactId = await this.simulatedContact(manager, workspaceId, input.numberId, input.customer.waId, input.customer.name);
      const version = await this.flows.freezeForTest(manager, principal, draft);
      const claim = await this.testRunMessages.claim(manager, {
        workspaceId,
        flowId: draft.flowId,
        flowVersionId: version.id,
        contactId,
        skipWaits: input.skipWaits,
        createdBy: principal.userId,
      });
      await this.audit.record(
        {
          workspaceId,
          actorUserId: principal.userId,
          action: 'flow.test_run',
          subjectType: 'flow',
          subjectId: draft.flowId,
          details: {
            draftRevision: version.version,
            customer: input.customer.waId,
            eventType: 'message.received',
            customerMessage: claim.wamid,
          },
        },
        manager,
      );
      return { claim, versionId: version.id, contactId };
    });
    // The claim stays whatever happens: should the simulator deliver the message later (a retry, a redelivery), it still
    // starts this test run and never a live flow.
    const { delivered } = await this.simulator.customerWrites({
      phoneNumberId: input.phoneNumberId,
      waId: input.customer.waId,
      message: input.message,
      wamid: claim.wamid,
    });
    if (!delivered) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'simulator_delivery_failed',
        message:
          "The simulator could not deliver the customer's message to this engine's webhook (/webhooks/whatsapp): check its SIM_WEBHOOK_URL and app secret.",
      });
    }
    const started = await this.testRunMessages.started(claim.id, START_TIMEOUT_MS);
    if (!started) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'test_run_not_started',
        message: `The customer's message reached the engine but was not handled within ${START_TIMEOUT_MS / 1000} s; the run will appear in the executions list once it is.`,
      });
    }
    return { executionId: started.executionId, contactId, eventId: started.eventId, flowVersionId: versionId };
  }

  private async number(workspaceId: string): Promise<z.infer<typeof numberRow>> {
    const number = await sqlRow(
      this.dataSource,
      numberRow,
      'SELECT id, phone_number_id FROM whatsapp_numbers WHERE workspace_id = $1 ORDER BY created_at LIMIT 1',
      [workspaceId],
    );
    if (!number)
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        code: 'no_number',
        message: 'Add a WhatsApp number to this workspace first: test messages are sent from it.',
      });
    return number;
  }

  /**
   * The contact a simulated customer is. A contact that is not simulated is a
   * real customer who happens to share the number: a test never touches it,
   * unless this whole installation talks to the simulator only.
   */
  private async simulatedContact(
    manager: EntityManager,
    workspaceId: string,
    numberId: string,
    waId: string,
    name: string,
  ): Promise<string> {
    const existing = await sqlRow(manager, contactRow, 'SELECT id, simulated FROM contacts WHERE workspace_id = $1 AND wa_id = $2', [
      workspaceId,
      waId,
    ]);
    if (existing) {
      if (!existing.simulated && !this.simulator.carriesAllTraffic) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          code: 'real_contact',
          message: `+${waId} is a real contact of this workspace; pick a simulated customer with another number.`,
        });
      }
      return existing.id;
    }
    const created = await sqlRow(
      manager,
      idRow,
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id, simulated)
       VALUES ($1, $2, $3, $4, $5, true)
       ON CONFLICT (workspace_id, wa_id) WHERE wa_id IS NOT NULL DO UPDATE SET updated_at = now() RETURNING id`,
      [workspaceId, waId, toE164(`+${waId}`), name, numberId],
    );
    if (!created) throw new Error('The simulated contact was not stored.');
    return created.id;
  }
}
