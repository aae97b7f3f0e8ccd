import { Global, Module } from '@nestjs/common';
import { ExecutionStore } from './execution-store.service';

/** The single writer of execution state, available everywhere (runner, entry, unpublish, retry, cancel, test runs). */
@Global()
@Module({ providers: [ExecutionStore], exports: [ExecutionStore] })
export class ExecutionStoreModule {}
