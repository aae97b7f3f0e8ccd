import { Global, Module } from '@nestjs/common';
import { StreamPublisher } from './stream-publisher.service';

/** Writing to the live event stream, from any module and any process. */
@Global()
@Module({ providers: [StreamPublisher], exports: [StreamPublisher] })
export class StreamModule {}
