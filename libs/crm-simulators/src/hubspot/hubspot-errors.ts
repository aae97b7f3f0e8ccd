import { randomUUID } from 'node:crypto';
import { SimHttpError } from '../common/http-kit';

/** One entry of the `errors` list of HubSpot's error envelope. */
export interface HubSpotErrorDetail {
  message: string;
  in?: string;
  code?: string;
  context?: Record<string, unknown>;
}

/** HubSpot's error envelope: `{status: "error", message, correlationId, category, errors?}`. */
export function hubSpotError(
  status: number,
  category: string,
  message: string,
  extra: { errors?: HubSpotErrorDetail[]; context?: Record<string, unknown>; subCategory?: string; headers?: Record<string, string> } = {},
): SimHttpError {
  return new SimHttpError(
    status,
    {
      status: 'error',
      message,
      correlationId: randomUUID(),
      category,
      ...(extra.subCategory ? { subCategory: extra.subCategory } : {}),
      ...(extra.context ? { context: extra.context } : {}),
      ...(extra.errors ? { errors: extra.errors } : {}),
    },
    extra.headers,
  );
}

export function validationError(message: string, errors?: HubSpotErrorDetail[]): SimHttpError {
  return hubSpotError(400, 'VALIDATION_ERROR', message, errors ? { errors } : {});
}

export function notFound(message = 'resource not found'): SimHttpError {
  return hubSpotError(404, 'OBJECT_NOT_FOUND', message);
}

/** A property value HubSpot refuses, reported the way its "Property values were not valid" message lists them. */
export interface PropertyProblem {
  name: string;
  error: 'PROPERTY_DOESNT_EXIST' | 'READ_ONLY_VALUE' | 'INVALID_OPTION' | 'INVALID_INTEGER' | 'INVALID_DATE' | 'INVALID_EMAIL' | 'REQUIRED';
  message: string;
}

export function propertyValuesError(problems: PropertyProblem[], portalId: number, where = 'properties'): SimHttpError {
  const listed = problems.map((problem) => ({
    isValid: false,
    message: problem.message,
    error: problem.error,
    name: problem.name,
    localizedErrorMessage: problem.message,
    portalId,
  }));
  return validationError(
    `Property values were not valid: ${JSON.stringify(listed)}`,
    problems.map((problem) => ({ message: problem.message, code: problem.error, in: `${where}.${problem.name}` })),
  );
}
