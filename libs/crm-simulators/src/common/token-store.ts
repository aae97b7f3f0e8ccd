import { randomBytes } from 'node:crypto';

export type TokenCheck = { state: 'valid'; subject: string } | { state: 'expired'; expiredAt: number } | { state: 'unknown' };

interface AccessToken {
  subject: string;
  expiresAt: number;
}

/**
 * Access tokens, refresh tokens and single-use authorization codes of one
 * simulated OAuth server. Tokens live in memory: a restart invalidates every
 * access token (clients refresh), while the configured refresh tokens and static
 * tokens come back from the options.
 */
export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, string>();
  private readonly codes = new Map<string, string>();
  private readonly staticTokens = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    public accessTtlMs: number,
  ) {}

  addStatic(token: string, subject: string): void {
    this.staticTokens.set(token, subject);
  }

  addRefreshToken(token: string, subject = 'default'): void {
    this.refresh.set(token, subject);
  }

  addAuthorizationCode(code: string, subject = 'default'): void {
    this.codes.set(code, subject);
  }

  newAuthorizationCode(subject = 'default'): string {
    const code = `${this.prefix}code.${randomBytes(12).toString('hex')}`;
    this.codes.set(code, subject);
    return code;
  }

  /** Uses up an authorization code; null when unknown or already used. */
  redeemCode(code: string): string | null {
    const subject = this.codes.get(code);
    if (subject === undefined) return null;
    this.codes.delete(code);
    return subject;
  }

  subjectOfRefreshToken(token: string): string | null {
    return this.refresh.get(token) ?? null;
  }

  newRefreshToken(subject: string): string {
    const token = `${this.prefix}refresh.${randomBytes(16).toString('hex')}`;
    this.refresh.set(token, subject);
    return token;
  }

  revokeRefreshToken(token: string): boolean {
    return this.refresh.delete(token);
  }

  issueAccessToken(subject: string, now: number): { token: string; expiresAt: number } {
    const token = `${this.prefix}${randomBytes(24).toString('hex')}`;
    const expiresAt = now + this.accessTtlMs;
    this.access.set(token, { subject, expiresAt });
    return { token, expiresAt };
  }

  check(token: string, now: number): TokenCheck {
    const fixed = this.staticTokens.get(token);
    if (fixed !== undefined) return { state: 'valid', subject: fixed };
    const issued = this.access.get(token);
    if (!issued) return { state: 'unknown' };
    if (now >= issued.expiresAt) return { state: 'expired', expiredAt: issued.expiresAt };
    return { state: 'valid', subject: issued.subject };
  }

  revokeAccessToken(token: string): boolean {
    return this.access.delete(token);
  }

  /** The token-expiry fault: every issued access token expires now (static tokens are not OAuth tokens and stay). */
  expireAll(now: number): number {
    let count = 0;
    for (const token of this.access.values()) {
      if (token.expiresAt > now) {
        token.expiresAt = now;
        count += 1;
      }
    }
    return count;
  }

  describe(now: number): { activeAccessTokens: number; refreshTokens: number; pendingCodes: number } {
    let active = 0;
    for (const token of this.access.values()) if (token.expiresAt > now) active += 1;
    return { activeAccessTokens: active, refreshTokens: this.refresh.size, pendingCodes: this.codes.size };
  }
}
