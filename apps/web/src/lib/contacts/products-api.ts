import { z } from 'zod';

export const productSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Product = z.infer<typeof productSchema>;
export const productsSchema = z.object({ data: z.array(productSchema) });

export const unmappedNameSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  occurrences: z.number(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  status: z.enum(['open', 'mapped', 'dismissed']),
  productCode: z.string().nullable(),
});
export type UnmappedName = z.infer<typeof unmappedNameSchema>;
export const unmappedNamesSchema = z.object({ data: z.array(unmappedNameSchema) });
export const mappedSchema = z.object({ name: unmappedNameSchema, ordersUpdated: z.number() });

/** "a, b ,, c" → ["a", "b", "c"]: aliases are typed as one comma-separated line. */
export function splitAliases(text: string): string[] {
  return text
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}
