import { z } from 'zod';

export const auditEntrySchema = z.object({
  id: z.string(),
  chainSeq: z.number(),
  actor: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  /** The API key a change was made with (actor is then null). */
  actorApiKey: z.object({ id: z.string(), name: z.string(), prefix: z.string().nullable() }).nullable().default(null),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  subjectLabel: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  hash: z.string(),
  createdAt: z.string(),
  /** For a publish: what changed from the version published before, in sentences. */
  versionDiff: z
    .object({ fromVersion: z.number().nullable(), toVersion: z.number(), sentences: z.array(z.string()) })
    .nullable()
    .default(null),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({ data: z.array(auditEntrySchema), nextBefore: z.string().nullable() });

export const chainVerificationSchema = z.object({
  intact: z.boolean(),
  entries: z.number(),
  headHash: z.string().nullable(),
  firstBroken: z.object({ id: z.string(), chainSeq: z.number(), reason: z.string() }).nullable(),
});
