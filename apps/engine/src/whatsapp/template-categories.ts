import { z } from 'zod';
import { type SqlExecutor, sqlRows } from '../database/sql-rows';

const categoryRow = z.object({ name: z.string(), language: z.string(), category: z.string() });

/** The registry's current category of each named template, in every account of the workspace. */
export async function readTemplateCategories(
  executor: SqlExecutor,
  workspaceId: string,
  names: readonly string[],
): Promise<z.infer<typeof categoryRow>[]> {
  if (names.length === 0) return [];
  return sqlRows(
    executor,
    categoryRow,
    'SELECT name, language, category FROM whatsapp_templates WHERE workspace_id = $1 AND name = ANY($2)',
    [workspaceId, names],
  );
}
