import { Global, Module } from '@nestjs/common';
import { ExecutionStore } from './execution-store.service';
import { WaitAlarm } from './wait-alarm';

/** The single writer of execution state, available everywhere (runner, entry, unpublish, retry, cancel, test runs). */
@Global()
@Module({ providers: [ExecutionStore, WaitAlarm], exports: [ExecutionStore, WaitAlarm] })
export class ExecutionStoreModule {}
