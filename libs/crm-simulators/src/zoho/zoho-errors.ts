import { SimHttpError } from '../common/http-kit';

/** Zoho's error object: `{code, details, message, status: "error"}`. */
export interface ZohoErrorItem {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'error';
}

export function zohoItemError(code: string, message: string, details: Record<string, unknown> = {}): ZohoErrorItem {
  return { code, details, message, status: 'error' };
}

export function zohoError(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): SimHttpError {
  return new SimHttpError(status, zohoItemError(code, message, details), headers);
}

export function invalidUrl(): SimHttpError {
  return zohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
}

export function invalidModule(): SimHttpError {
  return zohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });
}
