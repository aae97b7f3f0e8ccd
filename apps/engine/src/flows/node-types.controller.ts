import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NodeCatalog, NodeDefinition } from '@parley/flow-core';
import { z } from 'zod';
import { AnyRole } from '../auth/roles.decorator';
import { ZodResponse } from '../common/api-contract';
import { NODE_CATALOG } from './node-catalog.token';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}

const nodeTypeView = z.object({
  type: z.string(),
  version: z.number().int(),
  latest: z.boolean(),
  kind: z.enum(['trigger', 'condition', 'action', 'timing', 'control']),
  category: z.string(),
  displayName: z.string(),
  description: z.string(),
  synonyms: z.array(z.string()).readonly(),
  configSchema: z.unknown().meta({ description: 'JSON Schema of the node config (with form hints)' }),
  defaultConfig: z.unknown(),
  outputs: z.array(z.object({ name: z.string(), label: z.string(), description: z.string().optional() })).readonly(),
  outputSchema: z.unknown().meta({ description: 'JSON Schema of what the step outputs' }),
  sampleData: z.unknown(),
  suspends: z.boolean(),
});

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
  @ZodResponse(z.object({ data: z.array(nodeTypeView) }))
  list() {
    return { data: this.described };
  }
}
