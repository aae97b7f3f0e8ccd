import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed logins per subject ("email:..." or "ip:..."), for lockouts shared by every API process. */
@Entity({ name: 'login_attempts' })
export class LoginAttempt {
  @PrimaryColumn('text')
  subject: string;

  @Column('integer')
  failures: number;

  @Column('timestamptz', { name: 'first_failure_at' })
  firstFailureAt: Date;

  @Column('timestamptz', { name: 'locked_until', nullable: true })
  lockedUntil: Date | null;
}
