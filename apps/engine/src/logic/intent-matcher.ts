import { effectiveIntents, type WorkspaceSettings } from '../workspaces/workspace-settings';
import { keywordMatcher } from './text-matcher';

/** Matches texts against a workspace's intents; built once per settings version. */
export class IntentMatcher {
  private readonly matchers = new Map<string, (text: string) => boolean>();

  constructor(settings: WorkspaceSettings) {
    for (const [name, keywords] of Object.entries(effectiveIntents(settings))) this.matchers.set(name, keywordMatcher(keywords));
  }

  matches(text: string, intent: string): boolean {
    return this.matchers.get(intent)?.(text) ?? false;
  }

  has(intent: string): boolean {
    return this.matchers.has(intent);
  }
}
