import { z } from 'zod';
import { productNameKey } from './product-name-key';

const matchable = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty`)
    .max(200)
    .refine((value) => productNameKey(value) !== '', `${what} needs at least one letter or digit`);

/** A product as an admin or marketer enters it. */
export const productInputSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-" (at most 64), e.g. APL-IP15PM')
    .meta({ description: 'The standard code (SKU) orders and reports use; stored in capitals' }),
  name: matchable('name'),
  aliases: z
    .array(matchable('alias'))
    .max(100)
    .default([])
    .meta({ description: 'Other ways people, shops and CRMs write it ("iPhone15 Pro Max"); case, spaces and punctuation do not matter' }),
});
export type ProductInput = z.infer<typeof productInputSchema>;

export const mapNameSchema = z.object({ productId: z.uuid('must be the id of a product') });
