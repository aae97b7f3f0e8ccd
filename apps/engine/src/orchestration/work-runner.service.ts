import { Injectable } from '@nestjs/common';
import { EventProcessorService } from './event-processor.service';
import { WebhookProcessorService } from '../whatsapp/webhook-processor.service';
import { WorkHandler } from '../dispatch/work-handler';
import type { WorkItem } from '../dispatch/work-item';

/** Does one unit of work, whoever dispatched it; returns the work it creates. */
@Injectable()
export class WorkRunner extends WorkHandler {
  constructor(
    private readonly webhooks: WebhookProcessorService,
    private readonly events: EventProcessorService,
  ) {
    super();
  }

  async run(item: WorkItem): Promise<WorkItem[]> {
    switch (item.kind) {
      case 'webhook':
        return this.webhooks.process(item.id);
      case 'contact':
        await this.events.processContact(item.id);
        return [];
    }
  }
}
