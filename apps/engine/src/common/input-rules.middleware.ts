import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { inputProblemBody, inputProblems } from './input-rules';

/**
 * Applies the input rule to the JSON body and the query string of every
 * request, right after the body is parsed and before routing, guards and
 * pipes: nothing downstream ever sees a NUL, a lone surrogate or JSON
 * beyond the limits. (Route parameters are known only after routing; the
 * global `InputRulesPipe` checks them.)
 */
export function enforceInputRules(): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const body: unknown = request.body;
    // Raw bodies (the signed WhatsApp webhook) are bytes, checked by their own route.
    const problems = [...(Buffer.isBuffer(body) ? [] : inputProblems(body, 'body')), ...inputProblems(request.query, 'query')];
    if (problems.length === 0) {
      next();
      return;
    }
    response.status(400).json(inputProblemBody(problems));
  };
}
