import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExecutionStep } from './execution-step.entity';
import { Execution } from './execution.entity';
import type { ExecutionStatus } from './execution-status';

export interface ExecutionFilter {
  flowId?: string;
  flowVersionId?: string;
  contactId?: string;
  status?: ExecutionStatus;
  errorCode?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
}

function viewExecution(execution: Execution) {
  return {
    id: execution.id,
    flowId: execution.flowId,
    flowVersionId: execution.flowVersionId,
    contactId: execution.contactId,
    triggerEventId: execution.triggerEventId,
    status: execution.status,
    currentNodeId: execution.currentNodeId,
    errorCode: execution.errorCode,
    errorMessage: execution.errorMessage,
    startedAt: execution.startedAt.toISOString(),
    finishedAt: execution.finishedAt?.toISOString() ?? null,
  };
}

function viewStep(step: ExecutionStep) {
  return {
    sequence: step.sequence,
    nodeId: step.nodeId,
    nodeType: step.nodeType,
    nodeTypeVersion: step.nodeTypeVersion,
    status: step.status,
    attempt: step.attempt,
    input: step.input,
    output: step.output,
    outputName: step.outputName,
    errorCode: step.errorCode,
    errorMessage: step.errorMessage,
    startedAt: step.startedAt.toISOString(),
    finishedAt: step.finishedAt?.toISOString() ?? null,
    durationMs: step.durationMs,
  };
}

function encodeCursor(execution: Execution): string {
  return Buffer.from(`${execution.startedAt.toISOString()}|${execution.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } | null {
  const [startedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!startedAt || !id || !/^[0-9a-f-]{36}$/.test(id)) return null;
  const date = new Date(startedAt);
  return Number.isNaN(date.getTime()) ? null : { startedAt: date, id };
}

/** Reads executions and their steps, newest first, always within one workspace. */
@Injectable()
export class ExecutionsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(workspaceId: string, filter: ExecutionFilter) {
    const query = this.dataSource
      .getRepository(Execution)
      .createQueryBuilder('e')
      .where('e.workspaceId = :workspaceId', { workspaceId })
      .orderBy('e.startedAt', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(filter.limit + 1);
    if (filter.flowId) query.andWhere('e.flowId = :flowId', { flowId: filter.flowId });
    if (filter.flowVersionId) query.andWhere('e.flowVersionId = :flowVersionId', { flowVersionId: filter.flowVersionId });
    if (filter.contactId) query.andWhere('e.contactId = :contactId', { contactId: filter.contactId });
    if (filter.status) query.andWhere('e.status = :status', { status: filter.status });
    if (filter.errorCode) query.andWhere('e.errorCode = :errorCode', { errorCode: filter.errorCode });
    if (filter.from) query.andWhere('e.startedAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.startedAt < :to', { to: filter.to });
    if (filter.cursor) {
      const cursor = decodeCursor(filter.cursor);
      if (cursor) {
        query.andWhere('(e.startedAt, e.id) < (:cursorAt, :cursorId)', { cursorAt: cursor.startedAt, cursorId: cursor.id });
      }
    }
    const rows = await query.getMany();
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return { data: page.map(viewExecution), nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
  }

  async get(workspaceId: string, id: string) {
    const execution = await this.dataSource.getRepository(Execution).findOne({ where: { id, workspaceId } });
    if (!execution) throw new NotFoundException('No such execution in this workspace.');
    const steps = await this.dataSource.getRepository(ExecutionStep).find({ where: { executionId: id, workspaceId }, order: { sequence: 'ASC' } });
    return { ...viewExecution(execution), steps: steps.map(viewStep) };
  }
}
