/**
 * JSON with every character above 0x7E written as a \uXXXX escape. Meta signs
 * webhook bodies serialised this way, so the simulator must too for its
 * signatures to look like Meta's.
 */
export function toAsciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
