import { z } from 'zod';

/** The audit page's filters, shared by the list and the CSV export. */
export const auditFilterSchema = z.object({
  actorUserId: z.uuid().optional().meta({ description: 'Only entries by this user' }),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z_]+(\.[a-z_]*)?$/, 'must be an action like "flow.published", or a prefix like "flow."')
    .optional()
    .meta({ description: 'An action ("flow.published"), or every action of a kind with a trailing dot ("flow.")' }),
  subjectType: z
    .string()
    .max(50)
    .regex(/^[a-z_]+$/)
    .optional(),
  subjectId: z.string().max(100).optional(),
  from: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
  to: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** The filter as SQL conditions on `a` (audit_log), with their parameters numbered from `first`. */
export function auditConditions(workspaceId: string, filter: AuditFilter, first = 1): { where: string; parameters: unknown[] } {
  const parameters: unknown[] = [workspaceId];
  const conditions = [`a.workspace_id = $${first}`];
  const add = (sql: (n: string) => string, value: unknown) => {
    parameters.push(value);
    conditions.push(sql(`$${first + parameters.length - 1}`));
  };
  if (filter.actorUserId) add((n) => `a.actor_user_id = ${n}`, filter.actorUserId);
  if (filter.action?.endsWith('.')) add((n) => `a.action LIKE ${n}`, `${filter.action.replace(/_/g, '\\_')}%`);
  else if (filter.action) add((n) => `a.action = ${n}`, filter.action);
  if (filter.subjectType) add((n) => `a.subject_type = ${n}`, filter.subjectType);
  if (filter.subjectId) add((n) => `a.subject_id = ${n}`, filter.subjectId);
  if (filter.from) add((n) => `a.created_at >= ${n}`, filter.from);
  if (filter.to) add((n) => `a.created_at < ${n}`, filter.to);
  return { where: conditions.join(' AND '), parameters };
}
