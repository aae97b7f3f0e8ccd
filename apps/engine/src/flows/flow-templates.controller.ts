import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FLOW_TEMPLATES, flowTemplate } from '@parley/flow-templates';
import { z } from 'zod';
import { AnyRole } from '../auth/roles.decorator';
import { ZodParam, ZodResponse } from '../common/api-contract';
import { flowDocumentView } from './flow-view';

const templateSummary = z.object({
  id: z.string(),
  number: z.number().int().meta({ description: 'Its number in the product brief' }),
  name: z.string(),
  description: z.string(),
  adjust: z.array(z.string()).meta({ description: 'What to adjust before publishing' }),
  nodeCount: z.number().int(),
});
const templateView = templateSummary.omit({ nodeCount: true }).extend({ document: flowDocumentView });
const templateId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a template id such as "high-intent"');

@ApiTags('flows')
@Controller('api/flow-templates')
@AnyRole()
export class FlowTemplatesController {
  @Get()
  @ApiOperation({
    summary: 'The ready-made flows (the 17 flows of the product brief): pick one, adjust it, create a flow from its document',
  })
  @ZodResponse(z.object({ data: z.array(templateSummary) }))
  list() {
    return {
      data: FLOW_TEMPLATES.map((t) => ({
        id: t.id,
        number: t.number,
        name: t.name,
        description: t.description,
        adjust: t.adjust,
        nodeCount: t.document.nodes.length,
      })),
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One ready-made flow with its flow document' })
  @ZodResponse(templateView)
  get(@ZodParam('id', templateId) id: string) {
    const template = flowTemplate(id);
    if (!template) throw new NotFoundException(`No flow template "${id}".`);
    return template;
  }
}
