import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow } from '../database/sql-rows';

/** Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

const couponRow = z.object({ code: z.string(), expires_at: z.date().nullable() });

export interface CouponRequest {
  workspaceId: string;
  contactId: string;
  executionId: string;
  campaign: string;
  prefix: string;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  validDays: number | null;
}

function newCode(prefix: string): string {
  let body = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) body += ALPHABET[randomInt(ALPHABET.length)];
  return prefix ? `${prefix}-${body}` : body;
}

/** Unique discount codes: one per contact per campaign, never two contacts with the same code. */
@Injectable()
export class CouponService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async issue(request: CouponRequest): Promise<{ code: string; expiresAt: Date | null; reused: boolean }> {
    const existing = await this.find(request);
    if (existing) return { ...existing, reused: true };
    const expiresAt = request.validDays === null ? null : new Date(this.clock.now().getTime() + request.validDays * 86_400_000);
    // 31^8 codes: a collision is rare; when one happens, draw again.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const row = await sqlRow(
        this.dataSource,
        couponRow,
        `INSERT INTO coupons (workspace_id, contact_id, campaign, code, discount_percent, discount_amount, currency, expires_at, execution_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT DO NOTHING RETURNING code, expires_at`,
        [
          request.workspaceId,
          request.contactId,
          request.campaign,
          newCode(request.prefix),
          request.percentOff,
          request.amountOff,
          request.currency,
          expiresAt,
          request.executionId,
        ],
      );
      if (row) return { code: row.code, expiresAt: row.expires_at, reused: false };
      // Either the code was taken or a concurrent step issued this contact's coupon.
      const concurrent = await this.find(request);
      if (concurrent) return { ...concurrent, reused: true };
    }
    throw new Error('Could not draw a free coupon code after 5 attempts');
  }

  private async find(request: CouponRequest): Promise<{ code: string; expiresAt: Date | null } | null> {
    const row = await sqlRow(
      this.dataSource,
      couponRow,
      'SELECT code, expires_at FROM coupons WHERE workspace_id = $1 AND campaign = $2 AND contact_id = $3',
      [request.workspaceId, request.campaign, request.contactId],
    );
    return row ? { code: row.code, expiresAt: row.expires_at } : null;
  }
}
