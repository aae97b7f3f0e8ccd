import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';

/** Seconds, from request-sized to Meta-timeout-sized. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 20];
/** Wait lateness: well within a poll interval up to "the engine was down for an hour". */
const LATENESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300, 900, 3600];

export type WebhookOutcome = 'stored' | 'rejected_limits' | 'unauthorized' | 'bad_request' | 'error';
export type SendOutcome = 'accepted' | 'rejected' | 'not_sent' | 'unknown' | 'blocked' | 'deferred' | 'failed';
export type CloudApiOutcome = 'ok' | 'rejected' | 'server_error' | 'not_sent' | 'unknown';

/**
 * Every Prometheus series the engine exposes, in one registry per engine
 * (so several engines in one test process never mix their counts). Names
 * are the contract with docker/grafana and docker/prometheus: change both.
 * Labels carry bounded values only (event types, node types, rule names,
 * Graph error codes), never ids or customer data.
 */
@Injectable()
export class EngineMetrics {
  readonly registry = new Registry();

  readonly webhookDeliveries = new Counter({
    name: 'parley_webhook_deliveries_total',
    help: 'WhatsApp webhook POSTs by outcome (stored before the 200, rejected beyond the limits, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly webhookDuration = new Histogram({
    name: 'parley_webhook_request_duration_seconds',
    help: 'Time from a webhook POST to its answer (the delivery is committed before a 200)',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly eventsProcessed = new Counter({
    name: 'parley_events_processed_total',
    help: 'Events handled by the flow runtime (each marked processed once), by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly executionsFinished = new Counter({
    name: 'parley_executions_finished_total',
    help: 'Executions that reached an end, by final status (succeeded, failed, cancelled, skipped)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly stepDuration = new Histogram({
    name: 'parley_step_duration_seconds',
    help: 'Duration of finished flow steps, by node type and step status',
    labelNames: ['node_type', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly sends = new Counter({
    name: 'parley_whatsapp_sends_total',
    help: 'WhatsApp sends by outcome and error code (Graph error code, or the engine’s own)',
    labelNames: ['outcome', 'error_code'] as const,
    registers: [this.registry],
  });
  readonly policyVerdicts = new Counter({
    name: 'parley_policy_blocks_total',
    help: 'Sends the policy gate stopped, by rule and verdict (block: never sent; defer: sent later)',
    labelNames: ['rule', 'verdict'] as const,
    registers: [this.registry],
  });
  readonly cloudApiDuration = new Histogram({
    name: 'parley_cloud_api_request_duration_seconds',
    help: 'WhatsApp Cloud API calls (to Meta, not the simulator) by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly waitLateness = new Histogram({
    name: 'parley_wait_lateness_seconds',
    help: 'How long after its due time a timed wait fired, by wait kind',
    labelNames: ['kind'] as const,
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });
  /**
   * CRM sync hook: the CRM connectors call {@link crmSyncFinished} for each
   * record they push or pull; no connector reports yet (see docs/OPERATIONS.md).
   */
  readonly crmSyncs = new Counter({
    name: 'parley_crm_sync_total',
    help: 'CRM sync operations by CRM, direction and outcome',
    labelNames: ['crm', 'direction', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly crmSyncLag = new Histogram({
    name: 'parley_crm_sync_lag_seconds',
    help: 'Time from a change in one system to its arrival in the other, by CRM and direction',
    labelNames: ['crm', 'direction'] as const,
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });
  readonly scrapeErrors = new Counter({
    name: 'parley_metrics_collect_errors_total',
    help: 'Scrape-time readings (database gauges, queue counts) that failed; the other series are still served',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor(@Inject(ENGINE_CONFIG) config: EngineConfig) {
    this.registry.setDefaultLabels({ role: config.ENGINE_ROLE });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges read when Prometheus scrapes (queue depths, pool use): registered by their owners. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (gauge: Gauge<L>) => Promise<void>): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        return collect(this);
      },
    });
  }

  webhookAnswered(outcome: WebhookOutcome, seconds: number): void {
    this.webhookDeliveries.inc({ outcome });
    this.webhookDuration.observe({ outcome }, seconds);
  }

  crmSyncFinished(crm: string, direction: 'push' | 'pull', outcome: 'succeeded' | 'failed', lagSeconds: number | null): void {
    this.crmSyncs.inc({ crm, direction, outcome });
    if (lagSeconds !== null) this.crmSyncLag.observe({ crm, direction }, lagSeconds);
  }
}
