import { Module } from '@nestjs/common';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { CampaignPreflightController } from './campaign-preflight.controller';
import { CampaignPreflightService } from './campaign-preflight.service';

/** Campaign pre-flight: what a scheduled flow's next run will send, and how fast, before it is published. */
@Module({
  imports: [WorkspacesModule],
  controllers: [CampaignPreflightController],
  providers: [CampaignPreflightService],
})
export class PreflightModule {}
