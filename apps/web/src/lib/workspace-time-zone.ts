import { z } from 'zod';
import { readFromEngine } from './engine-server';

const settingsSchema = z.object({ timeZone: z.string() });

/** The workspace's time zone, which admin screens show times in (UTC when it cannot be read). */
export async function workspaceTimeZone(): Promise<string> {
  const settings = await readFromEngine('/api/workspace/settings', settingsSchema);
  return settings.ok ? settings.data.timeZone : 'UTC';
}
