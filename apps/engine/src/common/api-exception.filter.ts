import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';

function pgCode(error: QueryFailedError): string | null {
  const driverError: unknown = error.driverError;
  if (typeof driverError === 'object' && driverError !== null && 'code' in driverError && typeof driverError.code === 'string') {
    return driverError.code;
  }
  return null;
}

/**
 * PostgreSQL errors a value from the request can cause (bad uuid or number
 * syntax, bad dates, text it cannot encode, numbers out of range). The input
 * rule refuses most of these before any query runs; this is the net behind it.
 */
const INPUT_ERROR_CODES = new Set(['22P02', '22007', '22008', '22P05', '22021', '22003', '22001']);

/**
 * Turns every error into a JSON answer. Known client mistakes keep their 4xx;
 * database errors caused by input (bad uuid, duplicate key) become 400/409;
 * anything else is a bug: logged, and answered with a 500 that leaks nothing.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      response.status(exception.getStatus()).json(typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body);
      return;
    }
    if (exception instanceof QueryFailedError) {
      const code = pgCode(exception);
      if (code !== null && INPUT_ERROR_CODES.has(code)) {
        response.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'A value has the wrong format.' });
        return;
      }
      if (code === '23505') {
        response.status(409).json({ statusCode: 409, error: 'Conflict', message: 'This already exists.' });
        return;
      }
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    response.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side.' });
  }
}
