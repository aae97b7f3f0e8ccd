import { BadGatewayException, BadRequestException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { fetchMessageTemplates, type GraphTemplate } from '@parley/whatsapp';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { WhatsAppNumbersService } from './whatsapp-numbers.service';

const templateRow = z.object({
  id: z.string(),
  waba_id: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  status_reason: z.string().nullable(),
  components: z.array(z.record(z.string(), z.unknown())),
  body_parameters: z.number(),
  header_parameters: z.number(),
  button_parameters: z.number(),
  parameter_format: z.string(),
  synced_at: z.date().nullable(),
  updated_at: z.date(),
});

export interface TemplateView {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  status: string;
  statusReason: string | null;
  components: Record<string, unknown>[];
  parameters: { body: number; header: number; buttons: number; format: string };
  syncedAt: string | null;
  updatedAt: string;
}

function view(row: z.infer<typeof templateRow>): TemplateView {
  return {
    id: row.id,
    wabaId: row.waba_id,
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    statusReason: row.status_reason,
    components: row.components,
    parameters: { body: row.body_parameters, header: row.header_parameters, buttons: row.button_parameters, format: row.parameter_format },
    syncedAt: row.synced_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The message templates of each WhatsApp Business Account: synced from the
 * Graph API (`GET /{waba_id}/message_templates`) and kept current by
 * `message_template_status_update` webhooks. The policy gate reads it to
 * check a template's status and parameters before a send.
 */
/** Templates change rarely (and status webhooks carry the urgent changes): a full sync every 6 hours. */
const SYNC_EVERY_MS = 6 * 3_600_000;
const RETRY_AFTER_MS = 5 * 60_000;

@Injectable()
export class WhatsAppTemplatesService {
  private readonly logger = new Logger('WhatsAppTemplates');

  constructor(
    private readonly dataSource: DataSource,
    private readonly numbers: WhatsAppNumbersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  async list(workspaceId: string): Promise<TemplateView[]> {
    const rows = await sqlRows(
      this.dataSource,
      templateRow,
      'SELECT * FROM whatsapp_templates WHERE workspace_id = $1 ORDER BY name, language',
      [workspaceId],
    );
    return rows.map(view);
  }

  /** Replaces the registry of the number's account with what the Graph API lists now. */
  async sync(principal: Principal | null, workspaceId: string, numberId: string): Promise<{ synced: number; removed: number }> {
    const credentials = await this.numbers.credentials(numberId);
    if (!credentials || credentials.number.workspaceId !== workspaceId)
      throw new NotFoundException('No such WhatsApp number in this workspace.');
    const wabaId = credentials.number.wabaId;
    if (!wabaId) throw new BadRequestException('This number has no WhatsApp Business Account id (wabaId); add it to sync its templates.');
    const result = await fetchMessageTemplates(
      {
        baseUrl: this.config.WHATSAPP_API_BASE_URL,
        apiVersion: this.config.WHATSAPP_API_VERSION,
        accessToken: credentials.accessToken,
        timeoutMs: this.config.WHATSAPP_SEND_TIMEOUT_MS,
      },
      wabaId,
    );
    if (result.kind !== 'ok') {
      throw new BadGatewayException(
        result.kind === 'rejected'
          ? `WhatsApp refused to list the templates: (#${result.code}) ${result.message}`
          : `WhatsApp could not be reached: ${result.reason}`,
      );
    }
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      for (const template of result.templates) await this.upsert(manager, workspaceId, wabaId, template, now);
      const removed = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        `DELETE FROM whatsapp_templates WHERE workspace_id = $1 AND waba_id = $2 AND (synced_at IS NULL OR synced_at < $3) RETURNING id`,
        [workspaceId, wabaId, now],
      );
      await manager.query('UPDATE whatsapp_numbers SET templates_synced_at = $3 WHERE workspace_id = $1 AND waba_id = $2', [
        workspaceId,
        wabaId,
        now,
      ]);
      await this.audit.record(
        {
          workspaceId,
          actorUserId: principal?.userId ?? null,
          action: 'whatsapp_templates.synced',
          subjectType: 'whatsapp_number',
          subjectId: numberId,
          details: { templates: result.templates.length, removed: removed.length },
        },
        manager,
      );
      return { synced: result.templates.length, removed: removed.length };
    });
  }

  private async upsert(manager: EntityManager, workspaceId: string, wabaId: string, template: GraphTemplate, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO whatsapp_templates (workspace_id, waba_id, meta_id, name, language, category, status, status_reason, components,
                                       body_parameters, header_parameters, button_parameters, parameter_format, synced_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
       ON CONFLICT (workspace_id, waba_id, name, language) DO UPDATE SET
         meta_id = EXCLUDED.meta_id, category = EXCLUDED.category, status = EXCLUDED.status, status_reason = EXCLUDED.status_reason,
         components = EXCLUDED.components, body_parameters = EXCLUDED.body_parameters, header_parameters = EXCLUDED.header_parameters,
         button_parameters = EXCLUDED.button_parameters, parameter_format = EXCLUDED.parameter_format, synced_at = EXCLUDED.synced_at,
         updated_at = EXCLUDED.updated_at`,
      [
        workspaceId,
        wabaId,
        template.id,
        template.name,
        template.language,
        template.category,
        template.status,
        template.rejectedReason,
        JSON.stringify(template.components),
        template.parameters.body,
        template.parameters.header,
        template.parameters.buttons,
        template.parameterFormat,
        now,
      ],
    );
  }

  /**
   * A status change from Meta (approved, paused for low quality, disabled,
   * rejected...). Returns the templates it changed, for the processor's notes.
   */
  async applyStatus(
    manager: EntityManager,
    input: { wabaId: string; templateId: string | null; name: string; language: string | null; status: string; reason: string | null },
  ): Promise<{ workspaceId: string; name: string; language: string; previous: string }[]> {
    const rows = await sqlRows(
      manager,
      z.object({ workspace_id: z.string(), name: z.string(), language: z.string(), previous: z.string() }),
      `UPDATE whatsapp_templates t SET status = $5, status_reason = $6, updated_at = $7
         FROM (SELECT id, status AS previous FROM whatsapp_templates
                WHERE waba_id = $1 AND (meta_id = $2 OR (name = $3 AND ($4::text IS NULL OR language = $4))) FOR UPDATE) old
        WHERE t.id = old.id
        RETURNING t.workspace_id, t.name, t.language, old.previous`,
      [input.wabaId, input.templateId, input.name, input.language, input.status.toUpperCase(), input.reason, this.clock.now()],
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, name: r.name, language: r.language, previous: r.previous }));
  }

  /**
   * Syncs the accounts whose registry is older than SYNC_EVERY_MS (or was
   * never synced), a few at a time; the claim on the number's row keeps two
   * processes from syncing the same account. A failure is retried sooner.
   */
  async syncDue(): Promise<{ synced: number; failed: number }> {
    const now = this.clock.now();
    const due = await sqlRows(
      this.dataSource,
      z.object({ id: z.string(), workspace_id: z.string() }),
      `UPDATE whatsapp_numbers n SET templates_synced_at = $1
         FROM (SELECT id FROM whatsapp_numbers WHERE waba_id <> '' AND (templates_synced_at IS NULL OR templates_synced_at <= $2)
                ORDER BY templates_synced_at NULLS FIRST LIMIT 5 FOR UPDATE SKIP LOCKED) d
        WHERE n.id = d.id RETURNING n.id, n.workspace_id`,
      [now, new Date(now.getTime() - SYNC_EVERY_MS)],
    );
    let synced = 0;
    let failed = 0;
    for (const number of due) {
      try {
        await this.sync(null, number.workspace_id, number.id);
        synced += 1;
      } catch (error) {
        failed += 1;
        this.logger.warn(`Templates of number ${number.id} could not be synced: ${error instanceof Error ? error.message : String(error)}`);
        await this.dataSource.query('UPDATE whatsapp_numbers SET templates_synced_at = $2 WHERE id = $1', [
          number.id,
          new Date(now.getTime() - SYNC_EVERY_MS + RETRY_AFTER_MS),
        ]);
      }
    }
    return { synced, failed };
  }

  async get(workspaceId: string, id: string): Promise<TemplateView> {
    const row = await sqlRow(this.dataSource, templateRow, 'SELECT * FROM whatsapp_templates WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      id,
    ]);
    if (!row) throw new NotFoundException('No such template.');
    return view(row);
  }
}
