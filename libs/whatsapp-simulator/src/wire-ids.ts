import { randomBytes, randomInt } from 'node:crypto';

/** A message id in Meta's style: "wamid." followed by a base64 token. */
export function newWamid(): string {
  return `wamid.${randomBytes(24).toString('base64url')}`;
}

/** Unix seconds as a string, the way Meta writes webhook timestamps. */
export function unixSeconds(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}

/** A numeric Graph object id (templates, media), as Meta hands them out: 15-16 digits in a string. */
export function newGraphId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 10 ** 8)).padStart(8, '0')}${String(randomInt(0, 10 ** 7)).padStart(7, '0')}`;
}

/** A conversation id as status webhooks carry it: 32 hex digits. */
export function newConversationId(): string {
  return randomBytes(16).toString('hex');
}
