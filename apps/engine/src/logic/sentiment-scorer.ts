import type { WorkspaceSettings } from '../workspaces/workspace-settings';
import { normalizeText } from './text-matcher';

function countMatches(text: string, words: readonly string[]): number {
  let count = 0;
  for (const word of words) {
    const needle = normalizeText(word);
    if (needle.length === 0) continue;
    let index = text.indexOf(needle);
    while (index !== -1) {
      count += 1;
      index = text.indexOf(needle, index + needle.length);
    }
  }
  return count;
}

/**
 * A deliberately simple, explainable sentiment score from the workspace's
 * positive and negative word lists: 0 is negative, 1 positive, 0.5 neutral
 * (no clue either way). Good enough to spot an unhappy conversation.
 */
export class SentimentScorer {
  constructor(private readonly words: WorkspaceSettings['sentimentWords']) {}

  score(text: string): number {
    const normalized = normalizeText(text);
    const positive = countMatches(normalized, this.words.positive);
    const negative = countMatches(normalized, this.words.negative);
    if (positive + negative === 0) return 0.5;
    return positive / (positive + negative);
  }
}
