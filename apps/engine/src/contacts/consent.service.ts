import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow } from '../database/sql-rows';
import { EventWriterService } from '../events/event-writer.service';
import type { Consent } from '../whatsapp/policy/policy-facts';

export type ConsentKind = 'marketing' | 'transactional';

export interface ConsentChange {
  workspaceId: string;
  contactId: string;
  kind: ConsentKind;
  value: Exclude<Consent, 'unknown'>;
  /** Who or what decided: "keyword:STOP", "whatsapp:user_preferences", "whatsapp:131050", "user:<id>", "flow:<id>". */
  source: string;
  /** When the customer decided (e.g. their message's timestamp); defaults to now. */
  at?: Date;
}

const COLUMNS: Record<ConsentKind, { value: string; at: string; source: string }> = {
  marketing: { value: 'marketing_consent', at: 'marketing_consent_at', source: 'marketing_consent_source' },
  transactional: { value: 'transactional_consent', at: 'transactional_consent_at', source: 'transactional_consent_source' },
};

/**
 * A contact's consent, kept apart for marketing and for notifications. Each
 * change records who or what made it, and is a contact event
 * (`contact.field_changed` on `consent.marketing` / `consent.transactional`)
 * so flows can react. A decision older than the one stored never overrides it.
 */
@Injectable()
export class ConsentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventWriterService,
    private readonly clock: Clock,
  ) {}

  async record(change: ConsentChange, manager?: EntityManager): Promise<boolean> {
    const run = async (m: EntityManager): Promise<boolean> => {
      const columns = COLUMNS[change.kind];
      const at = change.at ?? this.clock.now();
      const current = await sqlRow(
        m,
        z.object({ value: z.string(), at: z.date().nullable() }),
        `SELECT ${columns.value} AS value, ${columns.at} AS at FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [change.contactId, change.workspaceId],
      );
      if (!current) return false;
      if (current.value === change.value || (current.at !== null && current.at > at)) return false;
      await m.query(
        `UPDATE contacts SET ${columns.value} = $3, ${columns.at} = $4, ${columns.source} = $5, updated_at = $6 WHERE id = $1 AND workspace_id = $2`,
        [change.contactId, change.workspaceId, change.value, at, change.source, this.clock.now()],
      );
      await this.events.record(
        {
          workspaceId: change.workspaceId,
          contactId: change.contactId,
          type: 'contact.field_changed',
          source: 'contact',
          occurredAt: at,
          payload: { field: `consent.${change.kind}`, oldValue: current.value, newValue: change.value, source: change.source },
        },
        m,
      );
      return true;
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }
}
