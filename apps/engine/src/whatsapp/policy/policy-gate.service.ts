import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { type SqlExecutor, sqlRow } from '../../database/sql-rows';
import { Clock } from '../../common/clock';
import { PauseService } from '../../pauses/pause.service';
import { WorkspaceSettingsService } from '../../workspaces/workspace-settings.service';
import { consentRule } from './consent.rule';
import { effectiveDailyLimit } from './daily-limit';
import { windowOpen, windowReason } from './customer-service-window';
import { marketingFrequencyRule } from './marketing-frequency.rule';
import { notificationSpacingRule } from './notification-spacing.rule';
import { NumberBudget } from './number-budget.service';
import { pausedRule } from './paused.rule';
import type { PolicyFacts, PolicySend } from './policy-facts';
import { readPolicyFacts } from './policy-facts-reader';
import type { PolicyRuleCheck } from './policy-rule';
import { block, type PolicyVerdict } from './policy-verdict';
import { quietHoursRule } from './quiet-hours.rule';
import { recipientSpacingRule } from './recipient-spacing.rule';
import { admitRecipient } from './recipient-budget';
import { sameContentRule } from './same-content.rule';
import { applyRegistryCategory } from './template-category';
import { templateStatusRule } from './template-status.rule';
import { templateWithoutOptInRule } from './template-without-opt-in.rule';
import { usMarketingRule } from './us-marketing.rule';

/** Rules for flow sends, in order: what can never go first, then what must wait. */
const FLOW_RULES: readonly PolicyRuleCheck[] = [
  consentRule,
  usMarketingRule,
  templateStatusRule,
  sameContentRule,
  marketingFrequencyRule,
  templateWithoutOptInRule,
  notificationSpacingRule,
  quietHoursRule,
  recipientSpacingRule,
];
/** An agent writing by hand meets only what WhatsApp itself enforces. */
const AGENT_RULES: readonly PolicyRuleCheck[] = [templateStatusRule];

export interface GateRequest {
  workspaceId: string;
  contactId: string;
  numberId: string;
  flowId: string | null;
  send: PolicySend;
  /** The template to send instead when the window is closed, if the node has one. */
  fallback: PolicySend | null;
  /** The flow runner looked for a pause of this contact and flow a moment ago and found none: no second look. */
  pauseLooked?: boolean;
  /**
   * The facts of `send` as the sender read them with its own row (one statement for both), at `facts.now`; the gate
   * then reads only what else it needs (a fallback's facts). Without them, it reads them itself.
   */
  facts?: Omit<PolicyFacts, 'pause'>;
  /**
   * The transaction of the contact pass the send belongs to: the gate reads and takes its tokens there, and they
   * commit with the send's claim (one commit instead of one per statement). Without it, the pool.
   */
  db?: EntityManager;
}

export interface GateDecision {
  verdict: PolicyVerdict;
  /** The send the verdict is about (the fallback when the window was closed). */
  send: PolicySend;
  businessInitiated: boolean;
}

/**
 * The one gate every WhatsApp send passes: the 24 h window (with the node's
 * template fallback), consent, frequency, quiet hours, template status,
 * pauses, and pacing (recipient spacing, the daily recipient budget, the
 * number's throughput). A template is judged by the category Meta gave it
 * (the registry), not the one the step declares. A block or deferral names its rule and the numbers
 * behind it; the caller records them on the step.
 */
@Injectable()
export class PolicyGateService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly pauses: PauseService,
    private readonly clock: Clock,
    private readonly budget: NumberBudget,
  ) {}

  async check(request: GateRequest): Promise<GateDecision> {
    const now = request.facts?.now ?? this.clock.now();
    const db = request.db ?? this.dataSource;
    const workspace = (await this.settings.get(request.workspaceId, db)).settings;
    const policy = workspace.messaging;
    const read = async (send: PolicySend): Promise<PolicyFacts | null> => {
      const facts =
        send === request.send && request.facts
          ? request.facts
          : await readPolicyFacts(db, { ...request, send, now, policy, defaultTimeZone: workspace.timeZone });
      if (!facts) return null;
      const pause =
        send.origin === 'flow' && request.pauseLooked !== true
          ? await this.pauses.active(request.workspaceId, request.contactId, request.flowId, db)
          : null;
      return { ...facts, pause: pause ? { cause: pause.reason, until: pause.until } : null };
    };

    let send = request.send;
    let facts = await read(send);
    if (!facts) return { verdict: block('consent', 'The contact has no WhatsApp id to send to.'), send, businessInitiated: false };
    // Read at every send, so a template Meta re-categorised after the flow was published is judged by its category now.
    send = applyRegistryCategory(send, facts.template);
    const origin = send.origin;
    if (origin === 'flow') {
      const paused = pausedRule(send, facts, policy);
      if (paused) return { verdict: paused, send, businessInitiated: false };
    }
    const open = windowOpen(facts);
    let useFallback = false;
    if (send.kind === 'free_form' && !open) {
      if (!request.fallback)
        return {
          verdict: block('customer_service_window', windowReason(facts), {
            lastInboundAt: facts.contact.lastInboundAt?.toISOString() ?? null,
          }),
          send,
          businessInitiated: false,
        };
      useFallback = true;
      facts = (await read(request.fallback)) ?? facts;
      send = applyRegistryCategory(request.fallback, facts.template);
    }
    const businessInitiated = !open;
    for (const rule of origin === 'flow' ? FLOW_RULES : AGENT_RULES) {
      const verdict = rule(send, facts, policy);
      if (verdict) return { verdict, send, businessInitiated };
    }
    // Meta counts every business-initiated conversation, an agent's too.
    if (businessInitiated) {
      const limit = await this.dailyLimit(db, request.numberId, policy.dailyRecipientLimit);
      const admit = (manager: EntityManager) =>
        admitRecipient(manager, { workspaceId: request.workspaceId, contactId: request.contactId, now, policy, limit });
      const budget = request.db ? await admit(request.db) : await this.dataSource.transaction(admit);
      if (budget) return { verdict: budget, send, businessInitiated };
    }
    // Spent from this process's block of the number's tokens (one statement per block, on its own connection).
    const throughput = await this.budget.take(request.numberId, now, db);
    if (throughput) return { verdict: throughput, send, businessInitiated };
    return { verdict: { verdict: 'allow', useFallback }, send, businessInitiated };
  }

  /** The lower of the workspace's setting and the portfolio limit Meta last reported for the number (quality webhooks). */
  private async dailyLimit(db: SqlExecutor, numberId: string, configured: number | null): Promise<number | null> {
    const row = await sqlRow(
      db,
      z.object({ messaging_limit: z.string().nullable() }),
      'SELECT messaging_limit FROM whatsapp_numbers WHERE id = $1',
      [numberId],
    );
    return effectiveDailyLimit(configured, row?.messaging_limit);
  }
}
