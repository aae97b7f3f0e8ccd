import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppliedCategory, SendWhatsAppRequest, SendWhatsAppResult, WhatsAppSender } from '@parley/node-sdk';
import { type GraphSendResult, graphErrorPolicy, isRetryable, sendGraphMessage, validateOutboundMessage } from '@parley/whatsapp';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlLiteral } from '../runtime/joined-statements';
import { preparedSqlRow } from '../runtime/prepared-sql';
import type { WorkTransaction } from '../runtime/work-transaction';
import { ConsentService } from '../contacts/consent.service';
import { ConversationLedgerService } from '../conversations/conversation-ledger.service';
import { CloudApiHealthService } from '../health/cloud-api-health.service';
import { type CloudApiOutcome, EngineMetrics, type SendOutcome } from '../metrics/engine-metrics';
import { describeSend } from './policy/describe-send';
import { type GateDecision, PolicyGateService } from './policy/policy-gate.service';
import {
  HISTORY_LATERAL,
  historyParameters,
  notificationKey,
  POLICY_CONTACT_COLUMNS,
  policyContactRow,
  policyFactsOf,
} from './policy/policy-facts-reader';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { appliedCategory } from './policy/template-category';
import { WhatsAppNumbersService } from './whatsapp-numbers.service';

export interface SendScope {
  workspaceId: string;
  /** Null for messages an agent writes by hand. */
  executionId: string | null;
  nodeId: string | null;
  flowId: string | null;
  /** The flow version the execution runs (for the log); null for an agent's message. */
  flowVersionId: string | null;
  /** A test run: the message goes to the simulator, never to Meta. */
  testMode: boolean;
  /** Runs once every check has passed, just before the send is recorded and made (an agent's takeover pause). */
  beforeDelivery?: () => Promise<void>;
  /** The agent who wrote it (null for flows). */
  userId?: string | null;
  /** The flow runner looked for a pause of this contact and flow just before this step and found none. */
  pauseLooked?: boolean;
  /**
   * The contact pass's transaction (a flow's step): the send's reads, gate and claim run there and are committed
   * before the HTTP call, its result is written there after. Without it, each runs on the pool.
   */
  work?: WorkTransaction | null;
}

const existingRow = z.object({
  status: z.enum(['pending', 'succeeded', 'failed', 'unknown']),
  result: z.record(z.string(), z.unknown()).nullable(),
});
/**
 * The recipient with what the policy gate judges the send by (see `policy-facts-reader.ts`), whether this key was
 * attempted before, and the number it goes out from (the contact's, or the workspace's first) with its sealed token:
 * one round trip on the hot path (issue 12: the sender's read and the gate's facts were two).
 */
const SEND_FACTS_SQL = `
  SELECT c.simulated, EXISTS (SELECT 1 FROM side_effects WHERE idempotency_key = $8) AS attempted,
         n.id AS number_id, n.phone_number_id, n.access_token_enc, ${POLICY_CONTACT_COLUMNS}
    FROM contacts c
    LEFT JOIN LATERAL (
      (SELECT id, phone_number_id, access_token_enc FROM whatsapp_numbers WHERE id = c.whatsapp_number_id)
      UNION ALL
      (SELECT id, phone_number_id, access_token_enc FROM whatsapp_numbers
        WHERE c.whatsapp_number_id IS NULL AND workspace_id = $2 ORDER BY created_at LIMIT 1)
    ) n ON true
    ${HISTORY_LATERAL}
   WHERE c.id = $1 AND c.workspace_id = $2`;
const sendFactsRow = policyContactRow.extend({
  wa_id: z.string().nullable(),
  simulated: z.boolean(),
  attempted: z.boolean(),
  number_id: z.string().nullable(),
  phone_number_id: z.string().nullable(),
  access_token_enc: z.string().nullable(),
});
/** Graph error: the customer stopped marketing messages in WhatsApp. */
const MARKETING_STOPPED = 131050;
/** Deferrals that are the send queue's normal pace (seconds, milliseconds), not a problem to look at. */
const PACING_RULES = new Set(['recipient_spacing', 'number_throughput']);
const appliedCategorySchema: z.ZodType<AppliedCategory> = z.object({
  applied: z.enum(['service', 'utility', 'marketing', 'authentication']),
  declared: z.enum(['service', 'utility', 'marketing', 'authentication']),
  source: z.enum(['registry', 'not_in_registry', 'declared']),
  registryCategory: z.string().nullable(),
  reason: z.string(),
});

/** The words a sent message is stored with (the conversation's text and search): its text, a caption, or the template's name. */
function storedText(message: SendWhatsAppRequest['message']): string | null {
  switch (message.type) {
    case 'text':
      return message.text.body;
    case 'template':
      return `[template ${message.template.name}]`;
    case 'image':
      return message.image.caption ?? null;
    case 'video':
      return message.video.caption ?? null;
    case 'document':
      return message.document.caption ?? null;
    default:
      return null;
  }
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * The only way the engine sends a WhatsApp message. Every send passes the
 * policy gate first; then it is recorded under its idempotency key before the
 * HTTP call, so it happens at most once; a timeout or 5xx is recorded as
 * "unknown" and never resent blindly.
 */
@Injectable()
export class WhatsAppSenderService {
  private readonly logger = new Logger('WhatsAppSender');

  constructor(
    private readonly dataSource: DataSource,
    private readonly numbers: WhatsAppNumbersService,
    private readonly gate: PolicyGateService,
    private readonly consent: ConsentService,
    private readonly clock: Clock,
    private readonly ledger: ConversationLedgerService,
    private readonly metrics: EngineMetrics,
    private readonly cloudApiHealth: CloudApiHealthService,
    private readonly settings: WorkspaceSettingsService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /** A sender bound to one step of one execution. */
  forStep(scope: SendScope): WhatsAppSender {
    return { send: (request) => this.send(scope, request) };
  }

  /** A sender for an agent's own messages (no execution behind them). */
  forAgent(scope: { workspaceId: string; userId: string; beforeDelivery?: () => Promise<void> }): WhatsAppSender {
    return {
      send: (request) =>
        this.send(
          {
            workspaceId: scope.workspaceId,
            executionId: null,
            nodeId: null,
            flowId: null,
            flowVersionId: null,
            testMode: false,
            userId: scope.userId,
            ...(scope.beforeDelivery ? { beforeDelivery: scope.beforeDelivery } : {}),
          },
          request,
        ),
    };
  }

  private async send(scope: SendScope, request: SendWhatsAppRequest): Promise<SendWhatsAppResult> {
    const result = await this.attempt(scope, request);
    this.count(result);
    return result;
  }

  /** One series per outcome; the error code is Meta's (bounded) or the engine's own word. */
  private count(result: SendWhatsAppResult): void {
    let outcome: SendOutcome;
    let errorCode = '';
    switch (result.status) {
      case 'accepted':
        outcome = 'accepted';
        break;
      case 'blocked':
        outcome = result.retryAt === null ? 'blocked' : 'deferred';
        errorCode = result.rule;
        break;
      case 'unknown':
        outcome = 'unknown';
        break;
      case 'failed':
        outcome = /^-?\d+$/.test(result.errorCode) ? 'rejected' : result.errorCode === 'not_sent' ? 'not_sent' : 'failed';
        errorCode = result.errorCode;
        break;
    }
    this.metrics.sends.inc({ outcome, error_code: errorCode });
  }

  private async attempt(scope: SendScope, request: SendWhatsAppRequest): Promise<SendWhatsAppResult> {
    const work = scope.work ?? null;
    const db: EntityManager = work?.manager ?? this.dataSource.manager;
    const origin = scope.executionId === null ? 'agent' : 'flow';
    const primary = describeSend(request.message, request.category, origin, request.templateFallback !== undefined);
    const workspace = (await this.settings.get(scope.workspaceId, db)).settings;
    const factsInput = {
      workspaceId: scope.workspaceId,
      contactId: request.contactId,
      numberId: '',
      send: primary,
      now: this.clock.now(),
      policy: workspace.messaging,
      defaultTimeZone: workspace.timeZone,
    };
    const contact = await preparedSqlRow(db, sendFactsRow, SEND_FACTS_SQL, [...historyParameters(factsInput), request.idempotencyKey]);
    if (!contact?.wa_id) {
      return { status: 'failed', errorCode: 'no_recipient', errorMessage: 'The contact has no WhatsApp id to send to.', retryable: false };
    }
    const numberId = contact.number_id;
    if (numberId === null || contact.phone_number_id === null || contact.access_token_enc === null) {
      return {
        status: 'failed',
        errorCode: 'no_number',
        errorMessage: 'No WhatsApp number is registered for this workspace.',
        retryable: false,
      };
    }
    // Opened before anything is claimed: a token that cannot be opened fails the send without leaving a claim behind.
    const accessToken = this.numbers.openAccessToken(numberId, contact.access_token_enc);

    // Test runs and simulated customers reach the simulator and nothing else, whatever the deployment talks to.
    const toSimulator = scope.testMode || contact.simulated;
    const baseUrl = toSimulator ? this.config.SIMULATOR_URL : this.config.WHATSAPP_API_BASE_URL;
    if (baseUrl === undefined) {
      return {
        status: 'failed',
        errorCode: 'simulator_unavailable',
        errorMessage: 'This message is for the WhatsApp simulator, and this installation has none (SIMULATOR_URL).',
        retryable: false,
      };
    }

    // A step that runs again (retry, restart after a crash) first learns what became of its earlier attempt.
    const earlier = contact.attempted ? await this.earlierOutcome(db, request.idempotencyKey) : null;
    if (earlier !== null && !(earlier.status === 'failed' && earlier.retryable)) return earlier;

    const facts = await policyFactsOf(db, { ...factsInput, numberId }, { ...contact, wa_id: contact.wa_id });
    const fallback = request.templateFallback ? describeSend(request.templateFallback, request.category, origin, false) : null;
    const decision = await this.gate.check({
      workspaceId: scope.workspaceId,
      contactId: request.contactId,
      numberId,
      flowId: scope.flowId,
      send: primary,
      fallback,
      pauseLooked: scope.pauseLooked === true,
      facts,
      ...(work ? { db } : {}),
    });
    const { verdict } = decision;
    const category = appliedCategory(decision.send);
    if (verdict.verdict !== 'allow') {
      this.logVerdict(scope, request.contactId, decision);
      this.metrics.policyVerdicts.inc({ rule: verdict.rule, verdict: verdict.verdict });
      return {
        status: 'blocked',
        rule: verdict.rule,
        reason: verdict.reason,
        retryAt: verdict.verdict === 'defer' ? verdict.until : null,
        details: verdict.numbers,
        category,
      };
    }
    const message = verdict.useFallback && request.templateFallback ? request.templateFallback : request.message;
    const usedFallback = verdict.useFallback;
    const sent = decision.send;
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: contact.wa_id,
      ...message,
      biz_opaque_callback_data: request.idempotencyKey,
    };
    // Meta's limits (text length, button titles, list rows...) are checked here, so the step names the field at fault.
    const valid = validateOutboundMessage(body);
    if (!valid.ok) {
      return {
        status: 'failed',
        errorCode: 'invalid_message',
        errorMessage: `The message breaks WhatsApp's limits at ${valid.field}: ${valid.message}`,
        retryable: false,
        category,
      };
    }
    await scope.beforeDelivery?.();
    // Exactly once: the claim (and what the pass wrote before it) is committed before Meta is called. A first attempt's
    // claim rides on the checkpoint's COMMIT, one round trip for both; one that finds an earlier claim (a race the
    // look above could not see) goes the long way, after a commit that only stored what the pass had written.
    const claimedAtCheckpoint =
      work !== null && !contact.attempted && (await work.checkpoint(this.claimSql(scope, request.idempotencyKey, body))).length > 0;
    if (!claimedAtCheckpoint) {
      const claim = await this.claim(db, scope, request.idempotencyKey, body);
      if (claim !== null) return claim;
      await work?.checkpoint();
    }

    const started = performance.now();
    const result = await sendGraphMessage(
      {
        baseUrl,
        apiVersion: this.config.WHATSAPP_API_VERSION,
        phoneNumberId: contact.phone_number_id,
        accessToken,
        timeoutMs: this.config.WHATSAPP_SEND_TIMEOUT_MS,
      },
      body,
    );
    // The simulator of a test run is not Meta: only calls to the Cloud API count for its health.
    if (!toSimulator) await this.observeCloudApi(performance.now() - started, result);
    const now = this.clock.now();
    switch (result.kind) {
      case 'accepted': {
        // In the pass's transaction, the result commits with the step's end; on its own, in a transaction of its own.
        const inTransaction = <T>(body: (manager: EntityManager) => Promise<T>): Promise<T> =>
          work ? body(work.manager) : this.dataSource.transaction(body);
        await inTransaction(async (manager) => {
          // The claim settled and the message stored in one statement (a data-modifying CTE runs whatever the INSERT does).
          const stored = await preparedSqlRow(
            manager,
            z.object({ id: z.string() }),
            `WITH settled AS (UPDATE side_effects SET status = 'succeeded', result = $18, updated_at = $8 WHERE idempotency_key = $17)
             INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, status, status_at, execution_id, node_id,
                                   category, content_hash, notification_key, business_initiated, origin, sent_by_user_id)
             VALUES ($1, $2, $3, 'outbound', $4, $5, $6, $7, $8, 'accepted', $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (wamid) DO NOTHING RETURNING id`,
            [
              scope.workspaceId,
              request.contactId,
              numberId,
              result.wamid,
              message.type,
              storedText(message),
              JSON.stringify(body),
              now,
              scope.executionId,
              scope.nodeId,
              sent.category,
              sent.contentHash,
              notificationKey(sent),
              decision.businessInitiated,
              origin,
              scope.userId ?? null,
              request.idempotencyKey,
              JSON.stringify({ wamid: result.wamid, waId: result.waId, usedFallback, category }),
            ],
          );
          if (stored) await this.ledger.messageStored(manager, stored.id);
          if (result.waId !== null && result.waId !== contact.wa_id) {
            // Ids only: the numbers themselves are customer data and stay out of the log.
            this.logger.log(
              { event: 'whatsapp.wa_id_resolved', workspaceId: scope.workspaceId, contactId: request.contactId },
              'Meta answered with another wa_id for the contact',
            );
          }
        });
        return { status: 'accepted', wamid: result.wamid, waId: result.waId, usedFallback, category };
      }
      case 'rejected': {
        const policy = graphErrorPolicy(result.code);
        if (result.code === MARKETING_STOPPED) {
          // WhatsApp says the customer stopped marketing messages: remember it, so no flow tries again.
          await this.consent.record({
            workspaceId: scope.workspaceId,
            contactId: request.contactId,
            kind: 'marketing',
            value: 'opted_out',
            source: 'whatsapp:131050',
          });
        }
        await this.finish(db, request.idempotencyKey, 'failed', {
          code: result.code,
          message: result.message,
          details: result.details,
          action: policy.action,
        });
        return {
          status: 'failed',
          errorCode: String(result.code),
          errorMessage: `${result.message}${result.details ? ` (${result.details})` : ''}`,
          retryable: isRetryable(policy),
          category,
        };
      }
      case 'not_sent':
        await this.finish(db, request.idempotencyKey, 'failed', { code: 'not_sent', message: result.reason, retryable: true });
        return {
          status: 'failed',
          errorCode: 'not_sent',
          errorMessage: `WhatsApp could not be reached: ${result.reason}`,
          retryable: true,
          category,
        };
      case 'unknown':
        if (await this.finish(db, request.idempotencyKey, 'unknown', { message: result.reason }))
          return { status: 'unknown', errorMessage: result.reason };
        // A status webhook settled it while we waited for the answer.
        return this.earlierOutcome(db, request.idempotencyKey);
    }
  }

  private async observeCloudApi(latencyMs: number, result: GraphSendResult): Promise<void> {
    const outcome: CloudApiOutcome =
      result.kind === 'accepted'
        ? 'ok'
        : result.kind === 'rejected'
          ? result.httpStatus >= 500
            ? 'server_error'
            : 'rejected'
          : result.kind;
    this.metrics.cloudApiDuration.observe({ operation: 'send_message', outcome }, latencyMs / 1000);
    // A 4xx refusal is Meta working as it should; no answer, an unknown outcome or a 5xx is Meta failing.
    await this.cloudApiHealth.record({ latencyMs, failed: outcome === 'server_error' || outcome === 'not_sent' || outcome === 'unknown' });
  }

  /**
   * Records the send before making it. Returns null when this call may send;
   * otherwise the outcome of the earlier attempt with the same key.
   */
  /** The claim's INSERT (see `claim`) with its values written in, to ride on a checkpoint. */
  private claimSql(scope: SendScope, key: string, body: Record<string, unknown>): string {
    const now = sqlLiteral(this.clock.now(), 'timestamptz');
    return `INSERT INTO side_effects (idempotency_key, workspace_id, execution_id, node_id, kind, status, request, created_at, updated_at)
       VALUES (${sqlLiteral(key, 'text')}, ${sqlLiteral(scope.workspaceId, 'uuid')}, ${sqlLiteral(scope.executionId, 'uuid')},
               ${sqlLiteral(scope.nodeId, 'text')}, 'whatsapp.send', 'pending', ${sqlLiteral(JSON.stringify(body), 'jsonb')}, ${now}, ${now})
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`;
  }

  private async claim(db: EntityManager, scope: SendScope, key: string, body: Record<string, unknown>): Promise<SendWhatsAppResult | null> {
    const now = this.clock.now();
    const inserted = await preparedSqlRow(
      db,
      z.object({ idempotency_key: z.string() }),
      `INSERT INTO side_effects (idempotency_key, workspace_id, execution_id, node_id, kind, status, request, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'whatsapp.send', 'pending', $5, $6, $6)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
      [key, scope.workspaceId, scope.executionId, scope.nodeId, JSON.stringify(body), now],
    );
    if (inserted) return null;
    const earlier = await this.earlierOutcome(db, key);
    if (earlier.status !== 'failed' || !earlier.retryable) return earlier;
    // A request Meta never accepted may be sent again (this is a retry of the same step).
    const reclaimed = await preparedSqlRow(
      db,
      z.object({ idempotency_key: z.string() }),
      `UPDATE side_effects SET status = 'pending', updated_at = $2 WHERE idempotency_key = $1 AND status = 'failed' RETURNING idempotency_key`,
      [key, now],
    );
    return reclaimed ? null : { ...earlier, retryable: false };
  }

  /** What became of an earlier attempt under `key`; a send left "pending" by a dead process is now "unknown". */
  private async earlierOutcome(db: EntityManager, key: string): Promise<SendWhatsAppResult> {
    const existing = await preparedSqlRow(db, existingRow, 'SELECT status, result FROM side_effects WHERE idempotency_key = $1', [key]);
    if (!existing) throw new Error(`side effect ${key} vanished`);
    const result = existing.result ?? {};
    switch (existing.status) {
      case 'succeeded': {
        const category = appliedCategorySchema.safeParse(result['category']);
        return {
          status: 'accepted',
          wamid: text(result['wamid'], ''),
          waId: typeof result['waId'] === 'string' ? result['waId'] : null,
          usedFallback: result['usedFallback'] === true,
          ...(category.success ? { category: category.data } : {}),
        };
      }
      case 'failed': {
        const code = result['code'];
        const retryable =
          result['retryable'] === true ||
          result['action'] === 'retry' ||
          result['action'] === 'recipient_backoff' ||
          result['action'] === 'retry_later';
        return {
          status: 'failed',
          errorCode: typeof code === 'number' ? String(code) : text(code, 'failed'),
          errorMessage: text(result['message'], 'The earlier attempt failed.'),
          retryable,
        };
      }
      case 'pending':
        // The process that made the call died during it: it may have reached Meta, so it is never sent again blindly.
        if (!(await this.finish(db, key, 'unknown', { message: 'The process stopped during the call.' })))
          return this.earlierOutcome(db, key);
        return { status: 'unknown', errorMessage: 'An earlier attempt of this send has no known outcome; it is not sent again.' };
      case 'unknown':
        return { status: 'unknown', errorMessage: 'An earlier attempt of this send has no known outcome; it is not sent again.' };
    }
  }

  /**
   * One log line per refusal or deferral, with ids an operator can follow
   * (never the message, the customer's number or the rule's numbers, which
   * may hold them). Pacing deferrals are the queue's normal rhythm: info.
   */
  private logVerdict(scope: SendScope, contactId: string, decision: GateDecision): void {
    const { verdict, send } = decision;
    if (verdict.verdict === 'allow') return;
    const fields = {
      event: verdict.verdict === 'block' ? 'policy.blocked' : 'policy.deferred',
      workspaceId: scope.workspaceId,
      flowId: scope.flowId,
      flowVersionId: scope.flowVersionId,
      executionId: scope.executionId,
      nodeId: scope.nodeId,
      contactId,
      rule: verdict.rule,
      category: send.category,
      categorySource: send.categorySource,
      testMode: scope.testMode,
      ...(verdict.verdict === 'defer' ? { until: verdict.until.toISOString() } : {}),
    };
    if (verdict.verdict === 'block') this.logger.warn(fields, `Send blocked by the policy gate (${verdict.rule})`);
    else if (PACING_RULES.has(verdict.rule)) this.logger.log(fields, `Send paced by the policy gate (${verdict.rule})`);
    else this.logger.warn(fields, `Send deferred by the policy gate (${verdict.rule})`);
  }

  /** Settles a pending send; false when something else (a status webhook) settled it first. */
  private async finish(db: EntityManager, key: string, status: 'failed' | 'unknown', result: Record<string, unknown>): Promise<boolean> {
    const settled = await preparedSqlRow(
      db,
      z.object({ idempotency_key: z.string() }),
      `UPDATE side_effects SET status = $2, result = $3, updated_at = $4 WHERE idempotency_key = $1 AND status = 'pending' RETURNING idempotency_key`,
      [key, status, JSON.stringify(result), this.clock.now()],
    );
    return settled !== undefined;
  }
}
