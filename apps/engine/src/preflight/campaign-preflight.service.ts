import { Injectable, NotFoundException } from '@nestjs/common';
import { nextScheduledTime, scheduleDefinition } from '@parley/nodes';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow } from '../database/sql-rows';
import { scheduleAudienceCondition } from '../logic/schedule-audience';
import { effectiveDailyLimit } from '../whatsapp/policy/daily-limit';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { type CampaignEstimate, type CampaignFacts, estimateCampaign } from './campaign-estimate';

const DAY_MS = 24 * 3_600_000;
const SEND_NODE_TYPES = new Set(['whatsapp.send_message']);

const draftRow = z.object({ draft: z.object({ nodes: z.array(z.object({ type: z.string(), config: z.unknown() })).default([]) }) });
const audienceRow = z.object({ recipients: z.number(), new_business_initiated: z.number(), used: z.number() });
const numberRow = z.object({ display_phone_number: z.string(), messages_per_second: z.number(), messaging_limit: z.string().nullable() });

export type CampaignPreflight =
  | { scheduled: false }
  | (CampaignFacts & {
      scheduled: true;
      nextRunAt: string | null;
      timeZone: string;
      sendsMessages: boolean;
      number: string | null;
      estimate: CampaignEstimate;
    });

/**
 * Before a marketer publishes an "On a schedule" flow: who its next run
 * reaches, and how the policy gate will pace it against the number's daily
 * limit and throughput (at once, spread over the day above the batching
 * threshold, or held beyond the limit). Reads the draft, which is what
 * publishing publishes; counts as of now.
 */
@Injectable()
export class CampaignPreflightService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsService,
    private readonly clock: Clock,
  ) {}

  async forFlow(workspaceId: string, flowId: string): Promise<CampaignPreflight> {
    const flow = await sqlRow(this.dataSource, draftRow, 'SELECT draft FROM flows WHERE id = $1 AND workspace_id = $2', [
      flowId,
      workspaceId,
    ]);
    if (!flow) throw new NotFoundException('No such flow in this workspace.');
    const trigger = flow.draft.nodes.find((n) => n.type === scheduleDefinition.type);
    const config = trigger ? scheduleDefinition.configSchema.safeParse(trigger.config) : null;
    if (!config?.success) return { scheduled: false };
    const schedule = config.data;
    const now = this.clock.now();
    const policy = (await this.settings.get(workspaceId)).settings.messaging;
    const audience = schedule.audience;
    // The scheduler's own audience condition; a contact costs a place in the daily limit when its
    // 24-hour window is closed and it was not already admitted in the last 24 h.
    const counts = await sqlRow(
      this.dataSource,
      audienceRow,
      `SELECT count(*)::int AS recipients,
              count(*) FILTER (
                WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = c.id AND m.direction = 'inbound' AND m.occurred_at > $3)
                  AND NOT EXISTS (SELECT 1 FROM recipient_admissions r WHERE r.workspace_id = $1 AND r.contact_id = c.id AND r.admitted_at > $3)
              )::int AS new_business_initiated,
              (SELECT count(DISTINCT r.contact_id)::int FROM recipient_admissions r WHERE r.workspace_id = $1 AND r.admitted_at > $3) AS used
         FROM contacts c
        WHERE c.workspace_id = $1 AND ${scheduleAudienceCondition({ tags: '$4', excludeTags: '$5', list: '$6', unansweredForHours: '$7', now: '$2' })}`,
      [workspaceId, now, new Date(now.getTime() - DAY_MS), audience.tags, audience.excludeTags, audience.list, audience.unansweredForHours],
    );
    const number = await sqlRow(
      this.dataSource,
      numberRow,
      'SELECT display_phone_number, messages_per_second, messaging_limit FROM whatsapp_numbers WHERE workspace_id = $1 ORDER BY created_at LIMIT 1',
      [workspaceId],
    );
    const facts: CampaignFacts = {
      recipients: counts?.recipients ?? 0,
      newBusinessInitiated: counts?.new_business_initiated ?? 0,
      usedLast24h: counts?.used ?? 0,
      dailyLimit: effectiveDailyLimit(policy.dailyRecipientLimit, number?.messaging_limit),
      batchAbovePercent: policy.batchAbovePercent,
      messagesPerSecond: number?.messages_per_second ?? 80,
    };
    return {
      scheduled: true,
      nextRunAt: nextScheduledTime(schedule, now)?.toISOString() ?? null,
      timeZone: schedule.timeZone,
      sendsMessages: flow.draft.nodes.some((n) => SEND_NODE_TYPES.has(n.type)),
      ...facts,
      number: number ? number.display_phone_number || null : null,
      estimate: estimateCampaign(facts),
    };
  }
}
