const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Meta's messaging limit counts unique users a business reached outside a
 * customer service window in a moving 24 h. This keeps that count per number
 * (the simulator has no portfolios; a number stands for its own).
 */
export class RecipientReach {
  private readonly lastReached = new Map<string, Map<string, number>>();

  record(phoneNumberId: string, user: string, at: Date): void {
    let users = this.lastReached.get(phoneNumberId);
    if (!users) {
      users = new Map();
      this.lastReached.set(phoneNumberId, users);
    }
    users.set(user, at.getTime());
  }

  /** Unique users reached outside the window in the 24 h before `now`. */
  count(phoneNumberId: string, now: Date): number {
    const users = this.lastReached.get(phoneNumberId);
    if (!users) return 0;
    let count = 0;
    for (const at of users.values()) if (now.getTime() - at < DAY_MS) count += 1;
    return count;
  }
}
