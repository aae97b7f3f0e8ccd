import { CURRENT_FLOW_SCHEMA_VERSION, flowDocumentSchema, type FlowDocument } from './flow-document';
import type { FlowIssue } from './flow-issue';
import { FLOW_LIMITS } from './flow-limits';
import { FLOW_MIGRATIONS, migrateFlowDocument, type FlowMigration } from './flow-migrations';
import { formatIssuePath } from './zod-issue-path';

export type ParseFlowResult = { ok: true; document: FlowDocument; migratedFrom: number | null } | { ok: false; issues: FlowIssue[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** UTF-8 size of a string, without TextEncoder (absent from the ES lib this package targets). */
function byteLength(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Checks that `input` is a well-formed flow document of a known schema version,
 * migrates it to the current version and returns it. It does not check the
 * graph (see `validateFlow`), so drafts with loose ends still parse.
 */
export function parseFlowDocument(input: unknown, migrations: readonly FlowMigration[] = FLOW_MIGRATIONS): ParseFlowResult {
  if (!isRecord(input)) {
    return { ok: false, issues: [{ code: 'invalid_document', message: 'A flow document must be a JSON object.' }] };
  }
  const size = byteLength(JSON.stringify(input));
  if (size > FLOW_LIMITS.maxDocumentBytes) {
    return {
      ok: false,
      issues: [
        {
          code: 'document_too_large',
          message: `The flow is ${size} bytes; the limit is ${FLOW_LIMITS.maxDocumentBytes} bytes.`,
        },
      ],
    };
  }
  const version = input['schemaVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return {
      ok: false,
      issues: [{ code: 'invalid_document', field: 'schemaVersion', message: 'schemaVersion must be a positive integer.' }],
    };
  }
  if (version > CURRENT_FLOW_SCHEMA_VERSION) {
    return {
      ok: false,
      issues: [
        {
          code: 'schema_version_unsupported',
          field: 'schemaVersion',
          message: `schemaVersion ${version} is newer than this build supports (${CURRENT_FLOW_SCHEMA_VERSION}).`,
        },
      ],
    };
  }
  const migrated = migrateFlowDocument(input, version, CURRENT_FLOW_SCHEMA_VERSION, migrations);
  if (!migrated.ok) {
    return {
      ok: false,
      issues: [
        {
          code: 'schema_version_unsupported',
          field: 'schemaVersion',
          message: `No migration from schemaVersion ${migrated.missingFrom} to ${migrated.missingFrom + 1}.`,
        },
      ],
    };
  }
  const raw = migrated.document;
  const parsed = flowDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const nodes = Array.isArray(raw['nodes']) ? raw['nodes'] : [];
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const result: FlowIssue = {
          code: 'invalid_document',
          field: formatIssuePath(issue.path),
          message: `${formatIssuePath(issue.path) || 'document'}: ${issue.message}`,
        };
        const [head, index] = issue.path;
        if (head === 'nodes' && typeof index === 'number') {
          const node: unknown = nodes[index];
          if (isRecord(node) && typeof node['id'] === 'string') {
            result.nodeId = node['id'];
          }
        }
        return result;
      }),
    };
  }
  return { ok: true, document: parsed.data, migratedFrom: version === CURRENT_FLOW_SCHEMA_VERSION ? null : version };
}
