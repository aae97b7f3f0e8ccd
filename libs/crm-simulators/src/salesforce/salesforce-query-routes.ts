import { headerValue, sendJson } from '../common/http-kit';
import { sfError, SfValidationError } from './salesforce-errors';
import { renderSfRecord, type SfRouteContext } from './salesforce-http';
import { fieldNamed, sobjectFromPath } from './salesforce-schema';
import { validated } from './salesforce-sobject-routes';
import { planQuery } from './soql-evaluator';
import { parseSoql, SoqlSyntaxError } from './soql-parser';

const CURSOR_IDLE_MS = 15 * 60_000;

function batchSize(context: SfRouteContext): number {
  const options = headerValue(context.request, 'sforce-query-options');
  const match = options ? /batchSize=(\d+)/i.exec(options) : null;
  if (!match?.[1]) return 2000;
  // Salesforce takes 200 to 2,000 (a hint: it may return more or fewer).
  return Math.min(2000, Math.max(200, Number(match[1])));
}

function page(context: SfRouteContext, cursorId: string, queryAll: boolean): Record<string, unknown> {
  const { core } = context;
  const cursor = core.cursors.get(cursorId);
  if (!cursor || cursor.expiresAt < core.now()) {
    core.cursors.delete(cursorId);
    throw sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  }
  const slice = cursor.ids.slice(cursor.position, cursor.position + cursor.batchSize);
  cursor.position += slice.length;
  cursor.expiresAt = core.now() + CURSOR_IDLE_MS;
  const done = cursor.position >= cursor.ids.length;
  if (done) core.cursors.delete(cursorId);
  const records = slice.map(({ sobject, id }) => {
    const name = sobjectFromPath(sobject);
    const record = name ? core.store.get(name, id, true) : null;
    if (!name || !record) return null;
    const fields = cursor.fieldNames.map((fieldName) => fieldNamed(name, fieldName)).filter((field) => field !== null);
    return renderSfRecord(context, record, fields);
  });
  return {
    totalSize: cursor.ids.length,
    done,
    ...(done
      ? {}
      : { nextRecordsUrl: `/services/data/${context.version}/${queryAll ? 'queryAll' : 'query'}/${cursorId}-${cursor.position}` }),
    records: records.filter((record) => record !== null),
  };
}

/** SOQL: `/query?q=` and `/queryAll?q=` with `nextRecordsUrl` cursors (`/query/01g…-2000`). */
export function queryRoute(context: SfRouteContext): boolean {
  const { core, request, response, url, rest } = context;
  const match = /^\/(query|queryAll)(?:\/([A-Za-z0-9]+)-(\d+))?\/?$/.exec(rest);
  if (!match?.[1]) return false;
  if (request.method !== 'GET')
    throw sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${request.method ?? ''}' not allowed. Allowed are GET`);
  const queryAll = match[1] === 'queryAll';
  if (match[2]) {
    sendJson(response, 200, page(context, match[2], queryAll));
    return true;
  }
  const text = url.searchParams.get('q');
  if (text === null || text.trim() === '') throw sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const plan = validated(() => {
    try {
      return planQuery(parseSoql(text, core.now()));
    } catch (error) {
      if (error instanceof SoqlSyntaxError)
        throw new SfValidationError({ message: `\n${text}\nERROR at Row:1\n${error.message}`, errorCode: 'MALFORMED_QUERY' });
      throw error;
    }
  });
  const matched = core.store
    .all(plan.sobject)
    .filter((record) => (queryAll || !record.deleted) && plan.matches(record))
    .sort(plan.compare);
  const limited = matched.slice(plan.offset, plan.limit === null ? undefined : plan.offset + plan.limit);
  if (plan.fields === 'count') {
    sendJson(response, 200, { totalSize: limited.length, done: true, records: [] });
    return true;
  }
  const cursorId = core.newCursorId();
  core.cursors.set(cursorId, {
    ids: limited.map((record) => ({ sobject: record.sobject, id: record.id })),
    fieldNames: plan.fields.map((field) => field.name),
    position: 0,
    batchSize: batchSize(context),
    expiresAt: core.now() + CURSOR_IDLE_MS,
  });
  sendJson(response, 200, page(context, cursorId, queryAll));
  return true;
}
