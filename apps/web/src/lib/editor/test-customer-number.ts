/**
 * A WhatsApp number as the simulator and the engine key customers: digits
 * only, country code first. People type "+39 333 123 4567", so spaces,
 * dashes, dots, brackets and a leading "+" or "00" are dropped.
 */
export function normalizeWaId(typed: string): string {
  const compact = typed.replace(/[\s\-.()]/g, '');
  const withoutPlus = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : compact;
  return withoutPlus;
}

/** Why a typed number cannot be a test customer's number; null when it can. */
export function waIdProblem(typed: string): string | null {
  const waId = normalizeWaId(typed);
  if (waId === '') return 'Enter the test customer’s WhatsApp number.';
  if (!/^\d+$/.test(waId)) return 'The number may contain only digits (a leading + is fine).';
  if (waId.length < 6 || waId.length > 15) return 'The number needs 6 to 15 digits, country code first (e.g. 393331234567).';
  return null;
}
