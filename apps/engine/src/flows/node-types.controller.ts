import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NodeCatalog, NodeDefinition } from '@parley/flow-core';
import { z } from 'zod';
import { AnyRole } from '../auth/roles.decorator';
import { NODE_CATALOG } from './node-catalog.token';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}

function describeNodeType(definition: NodeDefinition, latest: boolean) {
  return {
    type: definition.type,
    version: definition.version,
    latest,
    kind: definition.kind,
    category: definition.category,
    displayName: definition.displayName,
    description: definition.description,
    synonyms: definition.synonyms,
    configSchema: jsonSchema(definition.configSchema, 'input'),
    defaultConfig: definition.defaultConfig,
    outputs: definition.outputs,
    outputSchema: jsonSchema(definition.outputSchema, 'output'),
    sampleData: definition.sampleData,
    suspends: definition.suspends === true,
  };
}

@ApiTags('flows')
@Controller('api/node-types')
@AnyRole()
export class NodeTypesController {
  private readonly described: ReturnType<typeof describeNodeType>[];

  constructor(@Inject(NODE_CATALOG) catalog: NodeCatalog) {
    // The catalogue is fixed for the life of the process, so describe it once.
    this.described = catalog.list().map((d) => describeNodeType(d, catalog.latest(d.type)?.version === d.version));
  }

  @Get()
  @ApiOperation({ summary: 'Every node type the canvas can place, with config and output schemas' })
  list() {
    return { data: this.described };
  }
}
