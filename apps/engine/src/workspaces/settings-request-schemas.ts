import { z } from 'zod';

type Shape = Record<string, z.core.$ZodType>;

function withoutDefault(schema: z.core.$ZodType): z.core.$ZodType {
  return schema instanceof z.ZodDefault ? withoutDefault(schema.unwrap()) : schema;
}

/**
 * The complete settings document, as `PUT` takes it: every field required at
 * every depth (no defaults fill a gap, so a missing field is named, not
 * silently reset), unknown fields refused.
 */
export function completeDocumentSchema(schema: z.ZodObject): z.ZodObject<Shape, z.core.$strict> {
  const shape: Shape = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const inner = withoutDefault(field);
    shape[key] = inner instanceof z.ZodObject ? completeDocumentSchema(inner) : inner;
  }
  return z.strictObject(shape);
}

/**
 * A partial change, as `PATCH` takes it: every field optional at every depth
 * and without defaults (a field not named is not touched), unknown fields
 * refused. Lists and single values are replaced whole; objects and maps merge.
 */
export function patchDocumentSchema(schema: z.ZodObject): z.ZodObject<Shape, z.core.$strict> {
  const shape: Shape = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const inner = withoutDefault(field);
    shape[key] = z.optional(inner instanceof z.ZodObject ? patchDocumentSchema(inner) : inner);
  }
  return z.strictObject(shape);
}
