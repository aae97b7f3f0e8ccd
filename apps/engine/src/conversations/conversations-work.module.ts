import { type DynamicModule, Module } from '@nestjs/common';
import type { EngineConfig } from '../config/engine-config';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ConversationsCoreModule } from './conversations-core.module';
import { ConversationsWorker } from './conversations-worker.service';
import { ConversationsMediaModule } from './media/conversations-media.module';

/** The console's background work, in processes that do work (roles worker and all). */
@Module({})
export class ConversationsWorkModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: ConversationsWorkModule,
      imports: [ConversationsCoreModule, ConversationsMediaModule, WorkspacesModule],
      providers: config.ENGINE_ROLE === 'api' ? [] : [ConversationsWorker],
      exports: config.ENGINE_ROLE === 'api' ? [] : [ConversationsWorker],
    };
  }
}
