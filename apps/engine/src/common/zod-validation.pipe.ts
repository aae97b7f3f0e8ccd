import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

interface Problem {
  path: string;
  message: string;
}

/** Each zod issue as a field and a sentence; unknown keys are named one by one, missing fields say so. */
function problems(error: z.ZodError, root: string): Problem[] {
  const at = (path: readonly PropertyKey[]) => [root, ...path.map(String)].filter((p) => p !== '').join('.') || 'body';
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: at([...issue.path, key]), message: 'is not a known field' }));
    }
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      return [{ path: at(issue.path), message: `is missing (expected ${issue.expected})` }];
    }
    return [{ path: at(issue.path), message: issue.message }];
  });
}

/** Validates a request part against a zod schema; a failure is a 400 naming every bad field. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  /** `name` is the route parameter this pipe validates, if it validates one. */
  constructor(
    private readonly schema: T,
    private readonly name = '',
  ) {}

  transform(value: unknown): z.infer<T> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const found = problems(parsed.error, this.name);
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: found.map((p) => `${p.path}: ${p.message}`).join('; '),
      issues: found,
    });
  }
}
