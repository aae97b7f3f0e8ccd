import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import type { EngineConfig } from '../config/engine-config';
import { CrmModule } from '../crm/crm.module';
import { EventsModule } from '../events/events.module';
import { RuntimeModule } from '../runtime/runtime.module';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { ContactListService } from './contact-list.service';
import { ContactProfileService } from './contact-profile.service';
import { ContactsWorkspaceController } from './contacts-workspace.controller';
import { DuplicateScanJobsService } from './duplicates/duplicate-scan-jobs.service';
import { DuplicateScanService } from './duplicates/duplicate-scan.service';
import { DuplicateWorker } from './duplicates/duplicate-worker.service';
import { DuplicatesController } from './duplicates/duplicates.controller';
import { ContactImportService } from './import/contact-import.service';
import { ContactMergeService } from './merge/contact-merge.service';
import { ProductsController } from './products/products.controller';

const SERVICES = [
  ContactListService,
  ContactProfileService,
  ContactImportService,
  ContactMergeService,
  DuplicateScanService,
  DuplicateScanJobsService,
];

/**
 * The contacts workspace: the list, the contact page, CSV import and export,
 * duplicates and merges. The nightly duplicate scan and the check on new
 * contacts run in processes that do work (roles worker and all).
 */
@Module({})
export class ContactsWorkspaceModule {
  static forRoot(config: EngineConfig): DynamicModule {
    const worker = config.ENGINE_ROLE === 'api' ? [] : [DuplicateWorker];
    return {
      module: ContactsWorkspaceModule,
      imports: [AuditModule, CrmModule, EventsModule, RuntimeModule, WhatsAppModule],
      controllers: config.ENGINE_ROLE === 'worker' ? [] : [ContactsWorkspaceController, DuplicatesController, ProductsController],
      providers: [...SERVICES, ...worker],
      exports: [...SERVICES, ...worker],
    };
  }
}
