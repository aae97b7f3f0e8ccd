import { Injectable } from '@nestjs/common';
import type { CrmActions, CrmContact, CrmOrder } from '@parley/node-sdk';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ContactActionsService, type ContactScope } from '../../contacts/contact-actions.service';
import { sqlRow } from '../../database/sql-rows';
import type { CrmConnector, CrmProvider, RemoteRef } from '../connectors/crm-connector';
import { CrmError } from '../connectors/crm-error';
import { type ConnectionRow, CrmConnectionsService } from '../connections/crm-connections.service';
import { loadLastOrder } from '../crm-context';
import { type CrmScope, CrmStoreService } from '../crm-store.service';
import { CrmSyncService } from '../sync/crm-sync.service';

const BUILT_IN = 'built_in';

/**
 * The built-in store's first stage ("new", the node's default) is no stage
 * any CRM knows; it becomes the first stage of each CRM's default pipeline
 * (Salesforce and Zoho refuse a stage outside their pick list). Other
 * stages are passed as written: they must be the CRM's own.
 */
const FIRST_STAGE: Record<CrmProvider, string> = { hubspot: 'appointmentscheduled', salesforce: 'Prospecting', zoho: 'Qualification' };

function crmStage(provider: CrmProvider, stage: string): string {
  return stage === 'new' ? FIRST_STAGE[provider] : stage;
}
const resultRow = z.object({ status: z.string(), result: z.object({ id: z.string(), store: z.string() }).nullable() });

/** What the step that asks is: its contact, execution and idempotency key. */
export interface FlowCrmScope extends CrmScope {
  /** "flow:<id>", for the contact events of field changes. */
  source: string;
}

/**
 * The CRM steps of flows against whichever store the workspace uses: the
 * built-in one (opportunities, tasks, notes in Parley) or the connected CRM
 * (HubSpot deals, tasks, notes; Salesforce Opportunity, Task; Zoho Deals,
 * Tasks, Notes) on the contact's linked record. A record made in the CRM is
 * remembered under the step's idempotency key, so a retried step finds it
 * instead of making a second one.
 */
@Injectable()
export class CrmFlowActionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: CrmStoreService,
    private readonly connections: CrmConnectionsService,
    private readonly sync: CrmSyncService,
    private readonly contacts: ContactActionsService,
  ) {}

  /** The step services' `crm` for one step. */
  forStep(scope: FlowCrmScope): CrmActions {
    return {
      createOpportunity: (input) =>
        this.write(scope, 'crm.create_opportunity', input, {
          builtIn: () => this.store.createOpportunity(scope, input),
          remote: (connector, ref) =>
            connector.createDeal(ref, { title: input.title, stage: crmStage(connector.provider, input.stage), amount: input.amount }),
        }),
      createTask: (input) =>
        this.write(
          scope,
          'crm.create_task',
          { ...input, dueAt: input.dueAt?.toISOString() ?? null },
          {
            builtIn: () => this.store.createTask(scope, input),
            remote: (connector, ref) => connector.createTask(ref, { title: input.title, notes: input.notes, dueAt: input.dueAt }),
          },
        ),
      addNote: (input) =>
        this.write(scope, 'crm.add_note', input, {
          builtIn: () => this.store.addNote(scope, input),
          remote: (connector, ref) => connector.addNote(ref, { text: input.text, at: new Date() }),
        }),
      findContact: (input) => this.findContact(scope.workspaceId, input.phone),
      updateFields: async (input) => {
        const contactScope: ContactScope = { workspaceId: scope.workspaceId, contactId: scope.contactId, source: scope.source };
        return { changed: await this.contacts.setProfile(contactScope, input) };
      },
      lastOrder: () => this.lastOrder(scope.workspaceId, scope.contactId),
    };
  }

  private async write(
    scope: FlowCrmScope,
    kind: string,
    request: Record<string, unknown>,
    to: {
      builtIn: () => Promise<{ id: string }>;
      remote: (connector: CrmConnector, ref: RemoteRef) => Promise<{ id: string }>;
    },
  ): Promise<{ id: string; store: string }> {
    const connection = await this.connections.active(scope.workspaceId);
    if (!connection) return { ...(await to.builtIn()), store: BUILT_IN };
    const done = await sqlRow(
      this.dataSource,
      resultRow,
      `SELECT status, result FROM side_effects WHERE idempotency_key = $1 AND status = 'succeeded'`,
      [scope.idempotencyKey],
    );
    if (done?.result) return done.result;
    const connector = this.connections.connector(connection);
    const ref = await this.sync.remoteRefFor(connection, connector, scope.contactId);
    const { id } = await to.remote(connector, ref);
    const result = { id, store: connection.provider };
    await this.dataSource.query(
      `INSERT INTO side_effects (idempotency_key, workspace_id, execution_id, kind, status, request, result)
       VALUES ($1, $2, $3, $4, 'succeeded', $5, $6) ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        scope.idempotencyKey,
        scope.workspaceId,
        scope.executionId,
        kind,
        JSON.stringify({ ...request, connectionId: connection.id, remote: ref }),
        JSON.stringify(result),
      ],
    );
    return result;
  }

  private async findContact(workspaceId: string, phone: string): Promise<{ store: string; contact: CrmContact | null }> {
    const connection: ConnectionRow | null = await this.connections.active(workspaceId);
    if (!connection) return { store: BUILT_IN, contact: await this.store.findByPhone(workspaceId, phone) };
    try {
      const remote = await this.connections.connector(connection).findByPhone(phone);
      return { store: connection.provider, contact: remote ? { id: remote.id, type: remote.type, ...remote.fields } : null };
    } catch (error) {
      // Several records with one number: the step reports none rather than guess (a person fixes the duplicates in the CRM).
      if (error instanceof CrmError && error.kind === 'ambiguous') return { store: connection.provider, contact: null };
      throw error;
    }
  }

  private lastOrder(workspaceId: string, contactId: string): Promise<CrmOrder | null> {
    return loadLastOrder(this.dataSource, workspaceId, contactId);
  }
}
