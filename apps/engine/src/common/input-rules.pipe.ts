import { type ArgumentMetadata, BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { inputProblemBody, inputProblems } from './input-rules';

/**
 * The input rule for route parameters, which exist only once a route has
 * matched (bodies and query strings are checked before routing by
 * `enforceInputRules`). Registered globally, so it runs before any pipe a
 * route declares.
 */
@Injectable()
export class InputRulesPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param') return value;
    const problems = inputProblems(value, 'path', metadata.data ?? '');
    if (problems.length > 0) throw new BadRequestException(inputProblemBody(problems));
    return value;
  }
}
