import { sendEmpty, sendJson } from '../common/http-kit';
import { zohoError, zohoItemError } from './zoho-errors';
import { zohoJsonBody } from './zoho-http';
import { DEFAULT_CHANNEL_LIFETIME_MS, isValidEvent, MAX_CHANNEL_LIFETIME_MS, type WatchChannel } from './zoho-notifications';
import type { ZohoRouteContext } from './zoho-record-routes';
import { moduleFromPath, type ZohoModule } from './zoho-schema';

type Checked = { ok: true; channel: WatchChannel } | { ok: false; error: ReturnType<typeof zohoItemError> };

function modulesOf(channel: WatchChannel): ZohoModule[] {
  return [
    ...new Set(
      channel.events.map((event) => moduleFromPath(event.split('.')[0] ?? '')).filter((module): module is ZohoModule => module !== null),
    ),
  ];
}

/** Validates one entry of a `watch` array (index for the json_path), merged over `previous` for PATCH. */
function checkChannel(raw: unknown, index: number, now: number, previous: WatchChannel | null): Checked {
  const at = (key: string) => `$.watch[${index}].${key}`;
  const error = (code: string, message: string, key: string) => ({
    ok: false as const,
    error: zohoItemError(code, message, { api_name: key, json_path: at(key) }),
  });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return error('INVALID_DATA', 'invalid data', 'watch');
  const entry = Object.fromEntries(Object.entries(raw));
  const channelId = entry['channel_id'] === undefined ? previous?.channelId : String(entry['channel_id']);
  if (channelId === undefined) return error('MANDATORY_NOT_FOUND', 'required field not found', 'channel_id');
  if (!/^\d{1,19}$/.test(channelId)) return error('INVALID_DATA', 'channel_id must be a number', 'channel_id');
  const events = entry['events'] ?? previous?.events;
  if (!Array.isArray(events) || events.length === 0 || events.length > 50)
    return error('MANDATORY_NOT_FOUND', 'required field not found', 'events');
  const eventNames = events.filter((event): event is string => typeof event === 'string');
  if (eventNames.length !== events.length || eventNames.some((event) => !isValidEvent(event))) {
    return error('INVALID_DATA', 'events are Module.all, Module.create, Module.edit or Module.delete', 'events');
  }
  const notifyUrl = entry['notify_url'] ?? previous?.notifyUrl;
  if (typeof notifyUrl !== 'string' || !/^https?:\/\//.test(notifyUrl) || notifyUrl.length > 255)
    return error('MANDATORY_NOT_FOUND', 'required field not found', 'notify_url');
  try {
    new URL(notifyUrl);
  } catch {
    return error('INVALID_DATA', 'invalid data', 'notify_url');
  }
  const token = entry['token'] === undefined ? (previous?.token ?? null) : entry['token'];
  if (token !== null && (typeof token !== 'string' || token.length > 50))
    return error('INVALID_DATA', 'token must be text of at most 50 characters', 'token');
  let expiresAt = previous?.expiresAt ?? now + DEFAULT_CHANNEL_LIFETIME_MS;
  if (entry['channel_expiry'] !== undefined) {
    const parsed = typeof entry['channel_expiry'] === 'string' ? Date.parse(entry['channel_expiry']) : Number.NaN;
    if (Number.isNaN(parsed) || parsed <= now || parsed > now + MAX_CHANNEL_LIFETIME_MS) {
      return error('INVALID_DATA', 'channel_expiry must be a date-time within the next 24 hours', 'channel_expiry');
    }
    expiresAt = parsed;
  }
  return { ok: true, channel: { channelId, events: eventNames, notifyUrl, token, expiresAt } };
}

function watchEntries(body: Record<string, unknown>): unknown[] {
  const watch = body['watch'];
  if (!Array.isArray(watch) || watch.length === 0)
    throw zohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'watch', json_path: '$.watch' });
  if (watch.length > 50) throw zohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { api_name: 'watch', limit: 50 });
  return watch;
}

/** Zoho's notification channels: POST (enable), GET (list), PUT/PATCH (change), DELETE (disable) on /actions/watch. */
export async function watchRoute(context: ZohoRouteContext): Promise<boolean> {
  const { core, request, response, url, path } = context;
  if (path !== `/crm/${core.apiVersion}/actions/watch`) return false;
  const { notifications } = core;
  const method = request.method ?? 'GET';
  const now = core.now();
  const summary = (channel: WatchChannel) => ({ events: modulesOf(channel).map((module) => notifications.describe(channel, module)) });

  if (method === 'GET') {
    const live = [...notifications.channels.values()].filter((channel) => channel.expiresAt > now);
    if (live.length === 0) {
      sendEmpty(response, 204);
      return true;
    }
    sendJson(response, 200, {
      watch: live.flatMap((channel) =>
        modulesOf(channel).map((module) => ({
          notify_on_related_action: false,
          ...notifications.describe(channel, module),
          events: channel.events.filter((event) => event.startsWith(`${module}.`)),
          token: channel.token,
          notify_url: channel.notifyUrl,
        })),
      ),
      info: { per_page: 200, count: live.length, page: 1, more_records: false },
    });
    return true;
  }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const entries = watchEntries(await zohoJsonBody(request, context.holder));
    const results = entries.map((entry, index) => {
      const existingId = typeof entry === 'object' && entry !== null && 'channel_id' in entry ? String(entry.channel_id) : undefined;
      const previous = method === 'PATCH' && existingId !== undefined ? (notifications.channels.get(existingId) ?? null) : null;
      if (method !== 'POST' && existingId !== undefined && !notifications.channels.has(existingId)) {
        return {
          ok: false as const,
          error: zohoItemError('INVALID_DATA', 'the channel does not exist', {
            api_name: 'channel_id',
            json_path: `$.watch[${index}].channel_id`,
          }),
        };
      }
      return checkChannel(entry, index, now, previous);
    });
    for (const result of results) if (result.ok) notifications.channels.set(result.channel.channelId, result.channel);
    const message =
      method === 'POST' ? 'Successfully subscribed for actions-watch of the given module' : 'Successfully updated the subscribe details';
    const items = results.map((result) =>
      result.ok ? { code: 'SUCCESS', details: summary(result.channel), message, status: 'success' } : result.error,
    );
    const allOk = results.every((result) => result.ok);
    const noneOk = results.every((result) => !result.ok);
    sendJson(response, allOk ? (method === 'POST' ? 201 : 200) : noneOk ? 400 : 207, { watch: items });
    return true;
  }
  if (method === 'DELETE') {
    const raw = url.searchParams.get('channel_ids');
    if (raw === null || raw === '')
      throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'channel_ids' });
    const items = raw.split(',').map((id) => {
      const channel = notifications.channels.get(id.trim());
      if (!channel) return zohoItemError('INVALID_DATA', 'the channel does not exist', { channel_id: id });
      notifications.channels.delete(channel.channelId);
      return { code: 'SUCCESS', details: summary(channel), message: 'Successfully unsubscribed from actions-watch', status: 'success' };
    });
    sendJson(response, 200, { watch: items });
    return true;
  }
  throw zohoError(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one', { resource_path_index: 1 });
}
