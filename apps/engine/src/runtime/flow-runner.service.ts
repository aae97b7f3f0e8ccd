import { Injectable, Logger } from '@nestjs/common';
import type { RuntimeContact, RuntimeEvent, StepResult } from '@parley/node-sdk';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { RUNTIME_CONTACT_COLUMNS, runtimeContactRow, toRuntimeContact } from '../contacts/runtime-contact-row';
import { sqlRow } from '../database/sql-rows';
import { RUNTIME_EVENT_COLUMNS, runtimeEventRow, toRuntimeEvent } from '../events/runtime-event-row';
import { ExecutionStep } from '../executions/execution-step.entity';
import { Execution } from '../executions/execution.entity';
import { WhatsAppSenderService } from '../whatsapp/whatsapp-sender.service';
import type { CompiledFlow } from './compiled-flow';
import { FlowVersionCache } from './flow-version-cache.service';

interface RunContext {
  execution: Execution;
  flow: CompiledFlow;
  event: RuntimeEvent;
  contact: RuntimeContact | null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Moves an execution forward node by node. Each step is stored as "running"
 * before it starts and completed together with the execution's next position
 * in one transaction, so after a crash the run resumes at the step that was in
 * flight, and a step that had finished is never run again.
 */
@Injectable()
export class FlowRunner {
  private readonly logger = new Logger('FlowRunner');

  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: FlowVersionCache,
    private readonly sender: WhatsAppSenderService,
    private readonly clock: Clock,
  ) {}

  async run(executionId: string): Promise<void> {
    const execution = await this.dataSource.getRepository(Execution).findOne({ where: { id: executionId } });
    if (!execution || execution.status !== 'running') return;
    const context = await this.loadContext(execution);
    const steps = await this.dataSource.getRepository(ExecutionStep).find({ where: { executionId }, order: { sequence: 'ASC' } });

    while (execution.status === 'running' && execution.currentNodeId !== null) {
      const nodeId: string = execution.currentNodeId;
      const step = await this.startStep(context, steps, nodeId);
      const visit = steps.filter((s) => s.nodeId === nodeId && s !== step).length;
      const result = await this.execute(context, nodeId, visit);
      await this.completeStep(context, step, result);
    }
  }

  private async loadContext(execution: Execution): Promise<RunContext> {
    const flow = await this.versions.get(execution.flowVersionId);
    const eventRow = await sqlRow(this.dataSource, runtimeEventRow, `SELECT ${RUNTIME_EVENT_COLUMNS} FROM events WHERE id = $1`, [
      execution.triggerEventId,
    ]);
    if (!eventRow) throw new Error(`Execution ${execution.id} has no trigger event`);
    const contactRow = execution.contactId
      ? await sqlRow(this.dataSource, runtimeContactRow, `SELECT ${RUNTIME_CONTACT_COLUMNS} FROM contacts WHERE id = $1`, [execution.contactId])
      : undefined;
    return { execution, flow, event: toRuntimeEvent(eventRow), contact: contactRow ? toRuntimeContact(contactRow) : null };
  }

  /** Reuses the step left "running" by a crash, or records a new one. */
  private async startStep(context: RunContext, steps: ExecutionStep[], nodeId: string): Promise<ExecutionStep> {
    const repository = this.dataSource.getRepository(ExecutionStep);
    const last = steps[steps.length - 1];
    if (last && last.nodeId === nodeId && last.status === 'running') {
      last.attempt += 1;
      await repository.update({ id: last.id }, { attempt: last.attempt });
      return last;
    }
    const isTrigger = nodeId === context.flow.trigger.node.id;
    const compiled = isTrigger ? context.flow.trigger : context.flow.steps.get(nodeId);
    if (!compiled) throw new Error(`Node ${nodeId} is not in version ${context.flow.versionId}`);
    const step = repository.create({
      workspaceId: context.execution.workspaceId,
      executionId: context.execution.id,
      sequence: steps.length + 1,
      nodeId,
      nodeType: compiled.node.type,
      nodeTypeVersion: compiled.node.typeVersion,
      status: 'running',
      attempt: 1,
      input: isTrigger ? { event: { id: context.event.id, type: context.event.type, payload: context.event.payload } } : { config: compiled.config },
      output: null,
      outputName: null,
      errorCode: null,
      errorMessage: null,
      startedAt: this.clock.now(),
      finishedAt: null,
      durationMs: null,
    });
    const saved = await repository.save(step);
    steps.push(saved);
    return saved;
  }

  private async execute(context: RunContext, nodeId: string, visit: number): Promise<StepResult> {
    if (nodeId === context.flow.trigger.node.id) {
      return { outcome: 'continue', output: 'next', data: { ...context.event.payload } };
    }
    const compiled = context.flow.steps.get(nodeId);
    if (!compiled) {
      return { outcome: 'failed', errorCode: 'unknown_node', errorMessage: `Node ${nodeId} is not in this version.`, retryable: false, data: {} };
    }
    const { execution } = context;
    try {
      return await compiled.handler.execute({
        config: compiled.config,
        nodeId,
        executionId: execution.id,
        workspaceId: execution.workspaceId,
        contact: context.contact,
        event: context.event,
        idempotencyKey: `${execution.id}:${nodeId}:${visit}`,
        services: {
          whatsapp: this.sender.forStep({ workspaceId: execution.workspaceId, executionId: execution.id, nodeId }),
          now: () => this.clock.now(),
        },
      });
    } catch (error) {
      this.logger.error(`Node ${nodeId} (${compiled.node.type}) of execution ${execution.id} threw: ${errorText(error)}`);
      return { outcome: 'failed', errorCode: 'internal_error', errorMessage: errorText(error), retryable: false, data: {} };
    }
  }

  private async completeStep(context: RunContext, step: ExecutionStep, result: StepResult): Promise<void> {
    const { execution, flow } = context;
    const finishedAt = this.clock.now();
    step.status = result.outcome === 'failed' ? 'failed' : 'succeeded';
    step.output = result.data;
    step.outputName = result.outcome === 'continue' ? result.output : null;
    step.errorCode = result.outcome === 'failed' ? result.errorCode : null;
    step.errorMessage = result.outcome === 'failed' ? result.errorMessage : null;
    step.finishedAt = finishedAt;
    step.durationMs = finishedAt.getTime() - step.startedAt.getTime();

    if (result.outcome === 'continue') {
      execution.currentNodeId = flow.next(step.nodeId, result.output);
      if (execution.currentNodeId === null) execution.status = 'succeeded';
    } else if (result.outcome === 'end') {
      execution.currentNodeId = null;
      execution.status = 'succeeded';
    } else {
      execution.currentNodeId = null;
      execution.status = 'failed';
      execution.errorCode = result.errorCode;
      execution.errorMessage = result.errorMessage;
    }
    if (execution.status !== 'running') execution.finishedAt = finishedAt;
    execution.updatedAt = finishedAt;

    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE execution_steps SET status = $2, output = $3, output_name = $4, error_code = $5, error_message = $6,
                finished_at = $7, duration_ms = $8
          WHERE id = $1`,
        [step.id, step.status, JSON.stringify(step.output), step.outputName, step.errorCode, step.errorMessage, step.finishedAt, step.durationMs],
      );
      await manager.query(
        `UPDATE executions SET status = $2, current_node_id = $3, error_code = $4, error_message = $5, finished_at = $6, updated_at = $7
          WHERE id = $1`,
        [execution.id, execution.status, execution.currentNodeId, execution.errorCode, execution.errorMessage, execution.finishedAt, execution.updatedAt],
      );
    });
  }
}
