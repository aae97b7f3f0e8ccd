import { z } from 'zod';

export interface SchemaPaths {
  /** Paths that exist, e.g. "wamid", "order.total". */
  exact: string[];
  /** Prefixes under which any path may exist (records and free-form objects), e.g. "data.". */
  open: string[];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap();
    } else if (current instanceof z.ZodDefault) {
      current = current.unwrap();
    } else {
      return current;
    }
  }
}

/** The data paths an (output) schema describes, for variable pickers and checks. */
export function schemaPaths(schema: z.core.$ZodType, prefix = ''): SchemaPaths {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    const result: SchemaPaths = { exact: [], open: [] };
    const shape: Record<string, z.core.$ZodType> = inner.shape;
    for (const [key, child] of Object.entries(shape)) {
      const path = `${prefix}${key}`;
      const nested = schemaPaths(child, `${path}.`);
      if (nested.exact.length === 0 && nested.open.length === 0) {
        result.exact.push(path);
      } else {
        result.exact.push(path, ...nested.exact);
        result.open.push(...nested.open);
      }
    }
    return result;
  }
  if (inner instanceof z.ZodRecord || inner instanceof z.ZodUnknown || inner instanceof z.ZodAny) {
    return prefix === '' ? { exact: [], open: [''] } : { exact: [], open: [prefix] };
  }
  return { exact: [], open: [] };
}
