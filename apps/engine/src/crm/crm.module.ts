import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ContactResolverService } from '../contacts/contact-resolver.service';
import { ProductCatalogueService } from '../contacts/products/product-catalogue.service';
import { EventsModule } from '../events/events.module';
import { CrmEventsService } from './crm-events.service';

@Module({
  imports: [AuditModule, EventsModule],
  // The catalogue lives with contacts but order intake maps names to codes with it, so it is provided here.
  providers: [ContactResolverService, CrmEventsService, ProductCatalogueService],
  exports: [ContactResolverService, CrmEventsService, ProductCatalogueService],
})
export class CrmModule {}
