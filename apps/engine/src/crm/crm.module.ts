import { Module } from '@nestjs/common';
import { ContactResolverService } from '../contacts/contact-resolver.service';
import { EventsModule } from '../events/events.module';
import { CrmEventsService } from './crm-events.service';

@Module({
  imports: [EventsModule],
  providers: [ContactResolverService, CrmEventsService],
  exports: [ContactResolverService, CrmEventsService],
})
export class CrmModule {}
