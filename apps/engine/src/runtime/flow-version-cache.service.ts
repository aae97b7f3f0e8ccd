import { Inject, Injectable } from '@nestjs/common';
import type { NodeCatalog } from '@parley/flow-core';
import { DataSource } from 'typeorm';
import { FlowVersion } from '../flows/flow-version.entity';
import { NODE_CATALOG } from '../flows/node-catalog.token';
import { type CompiledFlow, compileFlow } from './compiled-flow';
import type { NodeHandlerRegistry } from './node-handler-registry';
import { NODE_HANDLERS } from './node-handlers.token';

/** Published versions are immutable, so a compiled version never goes stale; the cap only bounds memory. */
const MAX_CACHED = 2000;

@Injectable()
export class FlowVersionCache {
  private readonly compiled = new Map<string, CompiledFlow>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NODE_CATALOG) private readonly catalog: NodeCatalog,
    @Inject(NODE_HANDLERS) private readonly handlers: NodeHandlerRegistry,
  ) {}

  async get(versionId: string): Promise<CompiledFlow> {
    const cached = this.compiled.get(versionId);
    if (cached) return cached;
    const version = await this.dataSource.getRepository(FlowVersion).findOneOrFail({ where: { id: versionId } });
    const compiled = compileFlow(version, this.catalog, this.handlers);
    if (this.compiled.size >= MAX_CACHED) {
      const oldest = this.compiled.keys().next();
      if (!oldest.done) this.compiled.delete(oldest.value);
    }
    this.compiled.set(versionId, compiled);
    return compiled;
  }
}
