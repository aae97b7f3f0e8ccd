import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FLOW_TEMPLATES, flowTemplate } from '@parley/flow-templates';
import { AnyRole } from '../auth/roles.decorator';

@ApiTags('flows')
@Controller('api/flow-templates')
@AnyRole()
export class FlowTemplatesController {
  @Get()
  @ApiOperation({
    summary: 'The ready-made flows (the 17 flows of the product brief): pick one, adjust it, create a flow from its document',
  })
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
  get(@Param('id') id: string) {
    const template = flowTemplate(id);
    if (!template) throw new NotFoundException(`No flow template "${id}".`);
    return template;
  }
}
