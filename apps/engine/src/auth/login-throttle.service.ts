import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRows } from '../database/sql-rows';

/** How many more failures an IP may have than one account (several users can share an office IP). */
const IP_FACTOR = 4;

/**
 * Counts failed logins per account and per client IP in PostgreSQL, so every
 * API process shares the same lockout. A subject that reaches its limit within
 * the window is locked for LOGIN_LOCKOUT_MINUTES.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  private subjects(email: string, ip: string): { subject: string; limit: number }[] {
    return [
      { subject: `email:${email}`, limit: this.config.LOGIN_MAX_FAILURES },
      { subject: `ip:${ip}`, limit: this.config.LOGIN_MAX_FAILURES * IP_FACTOR },
    ];
  }

  /** Seconds until the lockout ends, or 0 when a login may be tried. */
  async lockedForSeconds(email: string, ip: string): Promise<number> {
    const rows = await sqlRows(
      this.dataSource,
      z.object({ locked_until: z.date() }),
      'SELECT locked_until FROM login_attempts WHERE subject = ANY($1) AND locked_until > $2',
      [this.subjects(email, ip).map((s) => s.subject), this.clock.now()],
    );
    const now = this.clock.now().getTime();
    return rows.reduce((max, row) => Math.max(max, Math.ceil((row.locked_until.getTime() - now) / 1000)), 0);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const now = this.clock.now();
    const windowMs = this.config.LOGIN_LOCKOUT_MINUTES * 60_000;
    const windowStart = new Date(now.getTime() - windowMs);
    const lockedUntil = new Date(now.getTime() + windowMs);
    for (const { subject, limit } of this.subjects(email, ip)) {
      await this.dataSource.query(
        `INSERT INTO login_attempts AS a (subject, failures, first_failure_at, locked_until)
         VALUES ($1, 1, $2, CASE WHEN 1 >= $5 THEN $4::timestamptz END)
         ON CONFLICT (subject) DO UPDATE SET
           failures = CASE WHEN a.first_failure_at < $3 THEN 1 ELSE a.failures + 1 END,
           first_failure_at = CASE WHEN a.first_failure_at < $3 THEN $2 ELSE a.first_failure_at END,
           locked_until = CASE
             WHEN (CASE WHEN a.first_failure_at < $3 THEN 1 ELSE a.failures + 1 END) >= $5 THEN $4::timestamptz
             ELSE a.locked_until END`,
        [subject, now, windowStart, lockedUntil, limit],
      );
    }
  }

  async recordSuccess(email: string): Promise<void> {
    await this.dataSource.query('DELETE FROM login_attempts WHERE subject = $1', [`email:${email}`]);
  }
}
