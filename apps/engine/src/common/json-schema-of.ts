import { z } from 'zod';

/** Schemas whose JSON Schema is another schema's (see `documentedAs`). */
const documentation = new WeakMap<z.core.$ZodType, z.ZodType>();

/**
 * Documents `schema` as `shape`: for a value that a deeper check validates
 * (a flow document, migrated and parsed by flow-core, arrives as a plain
 * object), the API document shows the shape that check enforces.
 */
export function documentedAs<T extends z.ZodType>(schema: T, shape: z.ZodType): T {
  documentation.set(schema, shape);
  return schema;
}

/** JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of what a zod schema takes (`input`) or gives (`output`). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    cycles: 'throw',
    reused: 'inline',
    override: (context) => {
      const shape = documentation.get(context.zodSchema);
      if (shape) Object.assign(context.jsonSchema, jsonSchemaOf(shape, io));
    },
  });
  return rest;
}
