/** What a stored message currently shows. */
export interface MessageContent {
  text: string | null;
  editedAt: Date | null;
  revokedAt: Date | null;
}

export interface ContentChange {
  kind: 'edit' | 'revoke';
  /** An edit's new words; ignored for a revoke. */
  text: string | null;
  at: Date;
}

export interface ContentOutcome {
  content: MessageContent;
  /** What the change did: `applied`, or why it only went into the history. */
  outcome: 'applied' | 'older_than_last_edit' | 'after_revoke' | 'already_revoked';
  /** For a revoke that applied: the words the customer took back, kept for the audit only. */
  revokedText: string | null;
}

/**
 * A message's content after one more edit or revoke, whatever order they
 * arrive in: the newest edit (by its own timestamp) is the current text; a
 * revoke is final, hides the text and is never undone by an edit. Every change
 * is kept in the history by the caller, applied or not.
 */
export function applyContentChange(current: MessageContent, change: ContentChange): ContentOutcome {
  if (current.revokedAt !== null) {
    return { content: current, outcome: change.kind === 'revoke' ? 'already_revoked' : 'after_revoke', revokedText: null };
  }
  if (change.kind === 'revoke') {
    return { content: { ...current, text: null, revokedAt: change.at }, outcome: 'applied', revokedText: current.text };
  }
  if (current.editedAt !== null && change.at < current.editedAt) {
    return { content: current, outcome: 'older_than_last_edit', revokedText: null };
  }
  return { content: { ...current, text: change.text, editedAt: change.at }, outcome: 'applied', revokedText: null };
}
