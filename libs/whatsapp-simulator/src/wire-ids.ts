import { randomBytes } from 'node:crypto';

/** A message id in Meta's style: "wamid." followed by a base64 token. */
export function newWamid(): string {
  return `wamid.${randomBytes(24).toString('base64url')}`;
}

/** Unix seconds as a string, the way Meta writes webhook timestamps. */
export function unixSeconds(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}
