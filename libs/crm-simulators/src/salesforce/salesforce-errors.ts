import { SimHttpError } from '../common/http-kit';

export interface SfError {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** Salesforce REST errors: a JSON array of `{message, errorCode, fields?}`. */
export function sfError(
  status: number,
  errorCode: string,
  message: string,
  fields?: string[],
  headers: Record<string, string> = {},
): SimHttpError {
  return new SimHttpError(status, [{ message, errorCode, ...(fields ? { fields } : {}) }], headers);
}

export class SfValidationError extends Error {
  constructor(readonly error: SfError) {
    super(error.message);
  }
}

export function notFound(): SimHttpError {
  return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
}
