import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { AnyRole, Roles } from '../../auth/roles.decorator';
import { ErrorResponses, NoContentResponse, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../../common/api-contract';
import { idParam } from '../../common/route-params';
import { ProductCatalogueService } from './product-catalogue.service';
import { mapNameSchema, productInputSchema, type ProductInput } from './product-input';

const productView = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
const unmappedView = z.object({
  id: z.uuid(),
  name: z.string(),
  source: z.string(),
  occurrences: z.number(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  status: z.enum(['open', 'mapped', 'dismissed']),
  productCode: z.string().nullable(),
});

const listQuery = z.object({
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const matchQuery = z.object({ name: z.string().trim().min(1).max(200) });
const unmappedQuery = z.object({
  status: z.enum(['open', 'mapped', 'dismissed']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The product catalogue (codes and aliases) and the queue of names that matched no product. */
@ApiTags('contacts')
@Controller('api')
export class ProductsController {
  constructor(private readonly catalogue: ProductCatalogueService) {}

  @Get('products')
  @AnyRole()
  @ApiOperation({ summary: 'Products by code; q searches code, name and aliases' })
  @ZodResponse(z.object({ data: z.array(productView) }))
  async list(@CurrentPrincipal() principal: Principal, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    return { data: await this.catalogue.list(principal.workspaceId, { q: query.q ?? null, limit: query.limit }) };
  }

  @Get('products/match')
  @AnyRole()
  @ApiOperation({ summary: 'The product a free-text name stands for ("iPhone15 Pro Max" → APL-IP15PM), or null' })
  @ZodResponse(z.object({ product: productView.nullable() }))
  async match(@CurrentPrincipal() principal: Principal, @ZodQuery(matchQuery) query: z.infer<typeof matchQuery>) {
    return { product: await this.catalogue.match(principal.workspaceId, query.name) };
  }

  @Post('products')
  @Roles('admin', 'marketer')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a product; names waiting in the queue that it now matches are mapped, and their orders get the code' })
  @ZodResponse(productView, { status: 201, description: 'Created' })
  @ErrorResponses({ 409: 'The code exists, or an alias already names another product' })
  create(@CurrentPrincipal() principal: Principal, @ZodBody(productInputSchema) body: ProductInput) {
    return this.catalogue.create({ workspaceId: principal.workspaceId, userId: principal.userId }, body);
  }

  @Patch('products/:id')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Change a product (code, name, aliases: the whole product)' })
  @ZodResponse(productView)
  @ErrorResponses({ 404: 'No such product', 409: 'The code exists, or an alias already names another product' })
  update(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string, @ZodBody(productInputSchema) body: ProductInput) {
    return this.catalogue.update({ workspaceId: principal.workspaceId, userId: principal.userId }, id, body);
  }

  @Delete('products/:id')
  @Roles('admin', 'marketer')
  @HttpCode(204)
  @NoContentResponse('Removed (orders keep the code they were given)')
  @ErrorResponses({ 404: 'No such product' })
  async remove(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string): Promise<void> {
    await this.catalogue.remove({ workspaceId: principal.workspaceId, userId: principal.userId }, id);
  }

  @Get('unmapped-product-names')
  @AnyRole()
  @ApiOperation({ summary: 'Product names from orders that matched no product, most frequent first' })
  @ZodResponse(z.object({ data: z.array(unmappedView) }))
  async unmapped(@CurrentPrincipal() principal: Principal, @ZodQuery(unmappedQuery) query: z.infer<typeof unmappedQuery>) {
    return { data: await this.catalogue.listUnmapped(principal.workspaceId, query.status, query.limit) };
  }

  @Post('unmapped-product-names/:id/map')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Map to…: the name becomes an alias of the product and stored orders with it get the code' })
  @ZodResponse(z.object({ name: unmappedView, ordersUpdated: z.number() }))
  @ErrorResponses({ 404: 'No such name or product', 409: 'Already mapped or dismissed, or the name names another product' })
  map(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(mapNameSchema) body: z.infer<typeof mapNameSchema>,
  ) {
    return this.catalogue.mapName({ workspaceId: principal.workspaceId, userId: principal.userId }, id, body.productId);
  }

  @Post('unmapped-product-names/:id/dismiss')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Not a product (or not one we sell): stop asking' })
  @ZodResponse(unmappedView)
  @ErrorResponses({ 404: 'No open name with this id' })
  dismiss(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.catalogue.dismissName({ workspaceId: principal.workspaceId, userId: principal.userId }, id);
  }
}
