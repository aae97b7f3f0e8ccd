import { effectiveIntents, type WorkspaceSettings } from '../workspaces/workspace-settings';
import { keywordMatcher, keywordSetsMatcher } from './text-matcher';

/** Matches texts against a workspace's intents; built once per settings version. */
export class IntentMatcher {
  private readonly matchers = new Map<string, (text: string) => boolean>();
  private readonly all: (text: string) => string[];

  constructor(settings: WorkspaceSettings) {
    const intents = effectiveIntents(settings);
    for (const [name, keywords] of Object.entries(intents)) this.matchers.set(name, keywordMatcher(keywords));
    this.all = keywordSetsMatcher(intents);
  }

  /** Every intent the text matches (each as `matches` answers), found in one pass over the text. */
  matchAll(text: string): string[] {
    return this.all(text);
  }

  matches(text: string, intent: string): boolean {
    return this.matchers.get(intent)?.(text) ?? false;
  }

  has(intent: string): boolean {
    return this.matchers.has(intent);
  }
}
