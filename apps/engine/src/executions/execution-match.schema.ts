import { z } from 'zod';
import { EXECUTION_STATUSES } from './execution-status';

/**
 * The explorer's filter, as the URL of /executions carries it (strings), for
 * the list, the health strip's links and bulk actions alike.
 */
export const executionMatchSchema = z.object({
  flowId: z.uuid().optional(),
  flowVersionId: z.uuid().optional(),
  contactId: z.uuid().optional(),
  contact: z.string().trim().min(1).max(100).optional().meta({ description: 'Part of the contact’s name or number' }),
  status: z
    .string()
    .max(200)
    .transform((value, context) => {
      const statuses = value.split(',').filter((s) => s.length > 0);
      const valid = z.array(z.enum(EXECUTION_STATUSES)).safeParse(statuses);
      if (!valid.success) {
        context.addIssue({ code: 'custom', message: `must be one or more of ${EXECUTION_STATUSES.join(', ')}, separated by commas` });
        return z.NEVER;
      }
      return valid.data.length === 1 && valid.data[0] ? valid.data[0] : valid.data;
    })
    .optional()
    .meta({ description: 'A status, or several separated by commas' }),
  errorCode: z.string().max(100).optional(),
  failedStep: z.string().max(200).optional().meta({ description: 'The node id a failed execution failed at' }),
  stuck: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'Only active executions past their expected time' }),
  testRuns: z.enum(['include', 'exclude', 'only']).optional(),
  from: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
  to: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
});
export type ExecutionMatchInput = z.infer<typeof executionMatchSchema>;
