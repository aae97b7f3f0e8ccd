import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { ContactResolverService, UnidentifiedContactError } from '../contacts/contact-resolver.service';
import { assignProductCodes, itemKeys } from '../contacts/products/order-item-codes';
import { ProductCatalogueService } from '../contacts/products/product-catalogue.service';
import { EventWriterService } from '../events/event-writer.service';
import type { CrmEventInput } from './crm-event-input';

const ORDER_STATUS: Record<string, string> = { 'order.created': 'created', 'order.paid': 'paid', 'order.shipped': 'shipped' };

/**
 * Takes CRM and shop events (orders, deals, visits, clicks): keeps the
 * built-in order store up to date and records the event for flows, once per
 * source id, for the contact it is about (created if new).
 */
@Injectable()
export class CrmEventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contacts: ContactResolverService,
    private readonly events: EventWriterService,
    private readonly clock: Clock,
    private readonly catalogue: ProductCatalogueService,
  ) {}

  async ingest(workspaceId: string, input: CrmEventInput): Promise<{ eventId: string | null; contactId: string; duplicate: boolean }> {
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : this.clock.now();
    const order = input.order;
    const status = order ? (order.status ?? ORDER_STATUS[input.type] ?? 'created') : null;
    const payload: Record<string, unknown> = order
      ? {
          orderId: order.id,
          status,
          total: order.total ?? null,
          currency: order.currency ?? null,
          trackingUrl: order.trackingUrl ?? null,
          data: input.data ?? {},
        }
      : input.deal
        ? {
            dealId: input.deal.id,
            stage: input.deal.stage,
            previousStage: input.deal.previousStage ?? null,
            amount: input.deal.amount ?? null,
            data: input.data ?? {},
          }
        : { reference: input.reference ?? null, data: input.data ?? {} };
    // The contact, the event and the order commit together: a refused event leaves no contact behind.
    return this.dataSource.transaction(async (manager) => {
      let contactId: string;
      try {
        ({ contactId } = await this.contacts.resolve(workspaceId, input.contact, 'crm', manager));
      } catch (error) {
        if (error instanceof UnidentifiedContactError) throw new BadRequestException(`contact: ${error.message}`);
        throw error;
      }
      const eventId = await this.events.record(
        { workspaceId, contactId, type: input.type, source: 'crm', sourceId: `${input.type}:${input.id}`, occurredAt, payload },
        manager,
      );
      // A redelivered event changes nothing: replaying an old "order.created" must not move a shipped order back.
      if (eventId !== null && order && status !== null) {
        // Lines carry the catalogue's code (reports and the same-SKU duplicate rule read it); unknown names wait for a person.
        const lines = order.items ?? [];
        const coded = assignProductCodes(lines, await this.catalogue.codesFor(manager, workspaceId, itemKeys(lines)));
        await this.catalogue.queueUnmatched(manager, workspaceId, coded.unmatched, 'order');
        await manager.query(
          `INSERT INTO orders (workspace_id, contact_id, external_id, status, total, currency, items, carrier, tracking_number, tracking_url, estimated_delivery, placed_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           ON CONFLICT (workspace_id, external_id) DO UPDATE SET
             status = EXCLUDED.status,
             total = coalesce(EXCLUDED.total, orders.total),
             currency = coalesce(EXCLUDED.currency, orders.currency),
             items = CASE WHEN EXCLUDED.items = '[]'::jsonb THEN orders.items ELSE EXCLUDED.items END,
             carrier = coalesce(EXCLUDED.carrier, orders.carrier),
             tracking_number = coalesce(EXCLUDED.tracking_number, orders.tracking_number),
             tracking_url = coalesce(EXCLUDED.tracking_url, orders.tracking_url),
             estimated_delivery = coalesce(EXCLUDED.estimated_delivery, orders.estimated_delivery),
             updated_at = EXCLUDED.updated_at`,
          [
            workspaceId,
            contactId,
            order.id,
            status,
            order.total ?? null,
            order.currency ?? null,
            JSON.stringify(coded.items),
            order.carrier ?? null,
            order.trackingNumber ?? null,
            order.trackingUrl ?? null,
            order.estimatedDelivery ?? null,
            order.placedAt ? new Date(order.placedAt) : occurredAt,
            this.clock.now(),
          ],
        );
      }
      return { eventId, contactId, duplicate: eventId === null };
    });
  }
}
