import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  CURRENT_FLOW_SCHEMA_VERSION,
  DEFAULT_FLOW_SETTINGS,
  type FlowDocument,
  type NodeCatalog,
  parseFlowDocument,
  validateFlow,
} from '@parley/flow-core';
import { DataSource, type EntityManager, In } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../database/sql-rows';
import { ExecutionStore } from '../executions/execution-store.service';
import { AuditService } from '../audit/audit.service';
import { describeFlowChange, parseDiffableFlow } from '../audit/flow-version-diff';
import { Clock } from '../common/clock';
import type { Principal } from '../auth/principal';
import { FlowProblemException } from './flow-problem';
import { FlowVersion } from './flow-version.entity';
import { type FlowSummaryView, type FlowView, viewFlow, viewFlowSummary, viewFlowVersion, viewFlowVersionSummary } from './flow-view';
import { Flow } from './flow.entity';
import { NODE_CATALOG } from './node-catalog.token';
import { templateCategoryIssues, templatesOfFlow } from './template-category-issues';
import { readTemplateCategories } from '../whatsapp/template-categories';

export const EMPTY_FLOW: FlowDocument = {
  schemaVersion: CURRENT_FLOW_SCHEMA_VERSION,
  nodes: [],
  edges: [],
  notes: [],
  settings: DEFAULT_FLOW_SETTINGS,
};

export interface FlowInput {
  name: string;
  description?: string;
  definition?: unknown;
}

export interface DraftChange {
  revision: number;
  name?: string;
  description?: string;
  definition?: unknown;
}

function parseOrThrow(definition: unknown): FlowDocument {
  const parsed = parseFlowDocument(definition);
  if (!parsed.ok) throw new FlowProblemException(400, 'The flow document is not valid.', parsed.issues);
  return parsed.document;
}

/** Drafts, publishing and versions of flows, always inside the caller's workspace. */
@Injectable()
export class FlowsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(NODE_CATALOG) private readonly catalog: NodeCatalog,
    private readonly executions: ExecutionStore,
  ) {}

  private async publishedVersions(manager: EntityManager, flows: Flow[]): Promise<Map<string, FlowVersion>> {
    const ids = flows.map((f) => f.publishedVersionId).filter((id): id is string => id !== null);
    if (ids.length === 0) return new Map();
    const versions = await manager.getRepository(FlowVersion).find({ where: { id: In(ids) } });
    return new Map(versions.map((v) => [v.id, v]));
  }

  /** Flows (of `ids`) that were ever published, tested or run: they keep their history and can only be archived. */
  private async withHistory(manager: EntityManager, workspaceId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await sqlRows(
      manager,
      z.object({ id: z.string() }),
      `SELECT f.id FROM flows f WHERE f.workspace_id = $1 AND f.id = ANY($2)
         AND (EXISTS (SELECT 1 FROM flow_versions v WHERE v.flow_id = f.id) OR EXISTS (SELECT 1 FROM executions e WHERE e.flow_id = f.id))`,
      [workspaceId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Changing an archived flow is refused: restore it first. */
  private refuseArchived(flow: Flow, doing: string): void {
    if (flow.archivedAt === null) return;
    throw new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      code: 'flow_archived',
      message: `“${flow.name}” is archived: restore it before you ${doing}.`,
    });
  }

  private async findFlow(manager: EntityManager, workspaceId: string, id: string, lock = false): Promise<Flow> {
    const flow = await manager.getRepository(Flow).findOne({
      where: { id, workspaceId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!flow) throw new NotFoundException('No such flow in this workspace.');
    return flow;
  }

  /**
   * A draft that passes every check a version must pass, or 422 listing each issue with its node and field.
   * Besides the graph, a send step's category must agree with the one Meta gave its template (the registry).
   */
  private async runnable(
    manager: EntityManager,
    workspaceId: string,
    draft: unknown,
    problems: (count: number) => string,
    code?: string,
  ): Promise<{ document: FlowDocument; triggerType: string }> {
    const document = parseOrThrow(draft);
    const registry = await readTemplateCategories(manager, workspaceId, templatesOfFlow(document));
    const issues = [...validateFlow(document, this.catalog), ...templateCategoryIssues(document, registry)];
    if (issues.length > 0) throw new FlowProblemException(422, problems(issues.length), issues, code);
    const trigger = document.nodes.find((n) => this.catalog.get(n.type, n.typeVersion)?.kind === 'trigger');
    if (!trigger) throw new FlowProblemException(422, 'The flow has no trigger.', [], code);
    return { document, triggerType: trigger.type };
  }

  private async view(manager: EntityManager, flow: Flow): Promise<FlowView> {
    const published = flow.publishedVersionId
      ? await manager.getRepository(FlowVersion).findOne({ where: { id: flow.publishedVersionId } })
      : null;
    const history = await this.withHistory(manager, flow.workspaceId, [flow.id]);
    return viewFlow(flow, published, history.has(flow.id));
  }

  async list(workspaceId: string): Promise<FlowSummaryView[]> {
    const manager = this.dataSource.manager;
    const flows = await manager.getRepository(Flow).find({ where: { workspaceId }, order: { updatedAt: 'DESC' } });
    const [published, history] = await Promise.all([
      this.publishedVersions(manager, flows),
      this.withHistory(
        manager,
        workspaceId,
        flows.map((f) => f.id),
      ),
    ]);
    return flows.map((flow) =>
      viewFlowSummary(flow, flow.publishedVersionId ? (published.get(flow.publishedVersionId) ?? null) : null, history.has(flow.id)),
    );
  }

  async get(workspaceId: string, id: string): Promise<FlowView> {
    const flow = await this.findFlow(this.dataSource.manager, workspaceId, id);
    return this.view(this.dataSource.manager, flow);
  }

  async create(principal: Principal, input: FlowInput): Promise<FlowView> {
    const draft = input.definition === undefined ? EMPTY_FLOW : parseOrThrow(input.definition);
    return this.dataSource.transaction(async (manager) => {
      const flow = await manager.getRepository(Flow).save({
        workspaceId: principal.workspaceId,
        name: input.name,
        description: input.description ?? '',
        draft,
        draftRevision: 1,
        publishedVersionId: null,
        createdBy: principal.userId,
        updatedBy: principal.userId,
      });
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'flow.created',
          subjectType: 'flow',
          subjectId: flow.id,
        },
        manager,
      );
      return viewFlow(flow, null, false);
    });
  }

  /** Saves a draft if `revision` is still current; otherwise 409 with the current revision. */
  async saveDraft(principal: Principal, id: string, change: DraftChange): Promise<FlowView> {
    const draft = change.definition === undefined ? undefined : parseOrThrow(change.definition);
    return this.dataSource.transaction(async (manager) => {
      const flow = await this.findFlow(manager, principal.workspaceId, id, true);
      this.refuseArchived(flow, 'editing it');
      if (flow.draftRevision !== change.revision) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: `The flow was changed elsewhere (revision ${flow.draftRevision}, you edited ${change.revision}).`,
          currentRevision: flow.draftRevision,
        });
      }
      // The trail keeps exactly what changed: name and description before/after, and that the steps changed
      // (the full drafts are the versions' business; a published version is diffable on the audit page).
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      if (change.name !== undefined && change.name !== flow.name) changes['name'] = { before: flow.name, after: change.name };
      if (change.description !== undefined && change.description !== flow.description)
        changes['description'] = { before: flow.description, after: change.description };
      const stepsChanged = draft !== undefined && JSON.stringify(draft) !== JSON.stringify(flow.draft);
      // What the edit did to the steps, in sentences for the audit page (drafts are not kept, so it is said now).
      const before = parseDiffableFlow(flow.draft);
      const after = draft === undefined ? null : parseDiffableFlow(draft);
      const steps = stepsChanged && before && after ? describeFlowChange(before, after) : [];
      if (change.name !== undefined) flow.name = change.name;
      if (change.description !== undefined) flow.description = change.description;
      if (draft !== undefined) flow.draft = draft;
      flow.draftRevision += 1;
      flow.updatedBy = principal.userId;
      const saved = await manager.getRepository(Flow).save(flow);
      if (stepsChanged || Object.keys(changes).length > 0)
        await this.audit.record(
          {
            workspaceId: principal.workspaceId,
            actorUserId: principal.userId,
            action: 'flow.edited',
            subjectType: 'flow',
            subjectId: flow.id,
            details: { name: flow.name, revision: saved.draftRevision, changes, stepsChanged, ...(steps.length > 0 ? { steps } : {}) },
          },
          manager,
        );
      return this.view(manager, saved);
    });
  }

  /** Validates the whole draft and freezes it as the next immutable version. */
  async publish(principal: Principal, id: string, revision: number | undefined) {
    return this.dataSource.transaction(async (manager) => {
      const flow = await this.findFlow(manager, principal.workspaceId, id, true);
      this.refuseArchived(flow, 'publishing it');
      if (revision !== undefined && revision !== flow.draftRevision) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: `The flow was changed elsewhere (revision ${flow.draftRevision}, you published ${revision}).`,
          currentRevision: flow.draftRevision,
        });
      }
      const { document, triggerType } = await this.runnable(
        manager,
        principal.workspaceId,
        flow.draft,
        (count) => `The flow has ${count} problem(s) to fix before publishing.`,
      );

      const versions = manager.getRepository(FlowVersion);
      const last = await versions.findOne({ where: { flowId: flow.id, kind: 'published' }, order: { version: 'DESC' } });
      const version = await versions.save({
        createdAt: this.clock.now(),
        workspaceId: principal.workspaceId,
        flowId: flow.id,
        version: (last?.version ?? 0) + 1,
        definition: document,
        triggerType,
        publishedBy: principal.userId,
      });
      await manager.getRepository(Flow).update({ id: flow.id }, { publishedVersionId: version.id, updatedBy: principal.userId });
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'flow.published',
          subjectType: 'flow',
          subjectId: flow.id,
          details: { version: version.version, versionId: version.id },
        },
        manager,
      );
      return viewFlowVersion(version);
    });
  }

  /**
   * The saved draft, validated as publishing would, for a test run. Nothing
   * is written: the run freezes it (`freezeForTest`) only once every other
   * check has passed.
   */
  async testableDraft(
    principal: Principal,
    id: string,
  ): Promise<{ flowId: string; revision: number; document: FlowDocument; triggerType: string }> {
    const flow = await this.findFlow(this.dataSource.manager, principal.workspaceId, id);
    this.refuseArchived(flow, 'testing it');
    const { document, triggerType } = await this.runnable(
      this.dataSource.manager,
      principal.workspaceId,
      flow.draft,
      (count) => `The draft has ${count} problem(s) to fix before it can run; see the checklist.`,
      'invalid_flow',
    );
    return { flowId: flow.id, revision: flow.draftRevision, document, triggerType };
  }

  /**
   * Freezes a checked draft as a test version, inside the caller's
   * transaction: never published, not in the version history, numbered by
   * its draft revision, so testing the same revision again reuses it.
   */
  async freezeForTest(
    manager: EntityManager,
    principal: Principal,
    draft: { flowId: string; revision: number; document: FlowDocument; triggerType: string },
  ): Promise<FlowVersion> {
    const versions = manager.getRepository(FlowVersion);
    const existing = await versions.findOne({ where: { flowId: draft.flowId, kind: 'test', version: draft.revision } });
    if (existing) return existing;
    return versions.save({
      createdAt: this.clock.now(),
      workspaceId: principal.workspaceId,
      flowId: draft.flowId,
      version: draft.revision,
      kind: 'test' as const,
      definition: draft.document,
      triggerType: draft.triggerType,
      publishedBy: null,
    });
  }

  /** The saved draft, parsed (for building a test event that fits its trigger). */
  async draftDocument(workspaceId: string, id: string): Promise<FlowDocument> {
    return parseOrThrow((await this.findFlow(this.dataSource.manager, workspaceId, id)).draft);
  }

  /**
   * Stops new executions of the flow. Running ones either finish on the
   * version they started on, or are cancelled (with their waits), as asked.
   */
  async unpublish(principal: Principal, id: string, running: 'finish' | 'cancel'): Promise<FlowView & { cancelled: number }> {
    return this.dataSource.transaction(async (manager) => {
      const flow = await this.findFlow(manager, principal.workspaceId, id, true);
      const cancelled = await this.stopRunning(manager, principal, flow, running, 'unpublished');
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'flow.unpublished',
          subjectType: 'flow',
          subjectId: flow.id,
          details: { running, cancelled },
        },
        manager,
      );
      return { ...(await this.view(manager, { ...flow, publishedVersionId: null })), cancelled };
    });
  }

  /** Unpublishes (no new runs) and, when asked, cancels the runs in progress with their waits; returns how many were cancelled. */
  private async stopRunning(
    manager: EntityManager,
    principal: Principal,
    flow: Flow,
    running: 'finish' | 'cancel',
    reason: 'unpublished' | 'archived',
  ): Promise<number> {
    await manager.getRepository(Flow).update({ id: flow.id }, { publishedVersionId: null, updatedBy: principal.userId });
    if (running !== 'cancel') return 0;
    return this.executions.endFlow(manager, flow.id, reason, this.clock.now());
  }

  /**
   * Archives a flow: it leaves the flow list and stops running. A published
   * flow is unpublished first (no new runs); runs in progress finish on their
   * version, or are cancelled when asked. Versions and executions stay, so
   * the log and the replay still show them. Editing, testing and publishing
   * are refused until it is restored.
   */
  async archive(principal: Principal, id: string, running: 'finish' | 'cancel'): Promise<FlowView & { cancelled: number }> {
    return this.dataSource.transaction(async (manager) => {
      const flow = await this.findFlow(manager, principal.workspaceId, id, true);
      if (flow.archivedAt !== null) return { ...(await this.view(manager, flow)), cancelled: 0 };
      const wasPublished = flow.publishedVersionId;
      const cancelled = await this.stopRunning(manager, principal, flow, running, 'archived');
      const archivedAt = this.clock.now();
      await manager.getRepository(Flow).update({ id: flow.id }, { archivedAt, archivedBy: principal.userId });
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'flow.archived',
          subjectType: 'flow',
          subjectId: flow.id,
          details: { unpublishedVersionId: wasPublished, running, cancelled },
        },
        manager,
      );
      return { ...(await this.view(manager, { ...flow, publishedVersionId: null, archivedAt, archivedBy: principal.userId })), cancelled };
    });
  }

  /** Brings an archived flow back to the list as an unpublished draft (publishing it again is a deliberate step). */
  async restore(principal: Principal, id: string): Promise<FlowView> {
    return this.dataSource.transaction(async (manager) => {
      const flow = await this.findFlow(manager, principal.workspaceId, id, true);
      if (flow.archivedAt === null) return this.view(manager, flow);
      await manager.getRepository(Flow).update({ id: flow.id }, { archivedAt: null, archivedBy: null, updatedBy: principal.userId });
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'flow.restored',
          subjectType: 'flow',
          subjectId: flow.id,
        },
        manager,
      );
      return this.view(manager, { ...flow, archivedAt: null, archivedBy: null });
    });
  }

  /**
   * Deletes a flow that never ran: never published, tested or run (an
   * "Untitled flow" made by mistake, a template tried and dropped). A flow
   * with any version or execution is refused (409 `flow_has_history`): its
   * runs are part of the log, so it is archived instead.
   */
  async remove(principal: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const flow = await this.findFlow(manager, principal.workspaceId, id, true);
      const history = await this.withHistory(manager, principal.workspaceId, [flow.id]);
      if (history.has(flow.id)) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          code: 'flow_has_history',
          message: `“${flow.name}” has been published, tested or run, and its runs stay in the log: archive it instead.`,
        });
      }
      // A pause of a flow that never ran paused nothing; it goes with the flow (the audit log keeps who did what).
      await manager.query(`DELETE FROM automation_pauses WHERE flow_id = $1`, [flow.id]);
      await manager.query('DELETE FROM flows WHERE id = $1', [flow.id]);
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'flow.deleted',
          subjectType: 'flow',
          subjectId: flow.id,
          details: { name: flow.name },
        },
        manager,
      );
    });
  }

  /** Publishes an earlier version again (as it was) and makes it the draft. */
  async rollback(principal: Principal, id: string, version: number) {
    return this.dataSource.transaction(async (manager) => {
      const flow = await this.findFlow(manager, principal.workspaceId, id, true);
      this.refuseArchived(flow, 'publishing an earlier version');
      const target = await manager
        .getRepository(FlowVersion)
        .findOne({ where: { flowId: flow.id, workspaceId: principal.workspaceId, version, kind: 'published' } });
      if (!target) throw new NotFoundException(`This flow has no version ${version}.`);
      await manager.query(
        'UPDATE flows SET published_version_id = $2, draft = $3, draft_revision = draft_revision + 1, updated_by = $4, updated_at = now() WHERE id = $1',
        [flow.id, target.id, JSON.stringify(target.definition), principal.userId],
      );
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'flow.rolled_back',
          subjectType: 'flow',
          subjectId: flow.id,
          details: { version, versionId: target.id },
        },
        manager,
      );
      return viewFlowVersion(target);
    });
  }

  async versions(workspaceId: string, id: string) {
    await this.findFlow(this.dataSource.manager, workspaceId, id);
    const versions = await this.dataSource
      .getRepository(FlowVersion)
      .find({ where: { flowId: id, workspaceId, kind: 'published' }, order: { version: 'DESC' } });
    return versions.map(viewFlowVersionSummary);
  }

  async version(workspaceId: string, id: string, version: number) {
    const found = await this.dataSource
      .getRepository(FlowVersion)
      .findOne({ where: { flowId: id, workspaceId, version, kind: 'published' } });
    if (!found) throw new NotFoundException('No such version of this flow.');
    return viewFlowVersion(found);
  }
}
