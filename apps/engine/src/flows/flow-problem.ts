import { HttpException } from '@nestjs/common';
import type { FlowIssue } from '@parley/flow-core';

/** A flow that cannot be saved or published; the body lists every issue with its node and field. */
export class FlowProblemException extends HttpException {
  constructor(status: 400 | 422, message: string, issues: readonly FlowIssue[], code?: string) {
    super(
      { statusCode: status, error: status === 400 ? 'Bad Request' : 'Unprocessable Entity', ...(code ? { code } : {}), message, issues },
      status,
    );
  }
}
