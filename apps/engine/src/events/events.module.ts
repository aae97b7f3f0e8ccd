import { Module } from '@nestjs/common';
import { EventWriterService } from './event-writer.service';

@Module({ providers: [EventWriterService], exports: [EventWriterService] })
export class EventsModule {}
