import { Module } from '@nestjs/common';
import { createNodeCatalog } from '@parley/flow-core';
import { NODE_DEFINITIONS } from '@parley/nodes';
import { AuditModule } from '../audit/audit.module';
import { ExecutionStoreModule } from '../executions/execution-store.module';
import { FlowsService } from './flows.service';
import { NODE_CATALOG } from './node-catalog.token';

@Module({
  imports: [AuditModule, ExecutionStoreModule],
  providers: [FlowsService, { provide: NODE_CATALOG, useValue: createNodeCatalog(NODE_DEFINITIONS) }],
  exports: [FlowsService, NODE_CATALOG],
})
export class FlowsModule {}
