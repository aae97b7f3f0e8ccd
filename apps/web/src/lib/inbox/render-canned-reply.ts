/** What a canned reply may name: the contact's names and the agent's. */
export interface CannedReplyValues {
  contact: { first_name: string | null; last_name: string | null; name: string | null };
  agent: { name: string | null };
}

/**
 * Fills a canned reply's variables, `{{contact.first_name}}` or with a
 * fallback `{{ contact.first_name | "there" }}`. An unknown or empty value
 * without a fallback becomes nothing, so the agent never sends braces.
 */
export function renderCannedReply(text: string, values: CannedReplyValues): string {
  return text.replace(
    /\{\{\s*([a-z_]+)\.([a-z_]+)\s*(?:\|\s*"([^"]*)"\s*)?\}\}/g,
    (_match, scope: string, key: string, fallback?: string) => {
      const group: Record<string, string | null> | undefined =
        scope === 'contact' ? values.contact : scope === 'agent' ? values.agent : undefined;
      const value = group?.[key];
      return value && value.trim() ? value.trim() : (fallback ?? '');
    },
  );
}
