import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

function statusOf(error: unknown): { status: number; message: string } {
  const type = typeof error === 'object' && error !== null && 'type' in error ? error.type : undefined;
  if (type === 'entity.too.large') return { status: 413, message: 'The request body is too large.' };
  if (type === 'entity.parse.failed') return { status: 400, message: 'The request body is not valid JSON.' };
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return { status: 415, message: 'The request body encoding is not supported.' };
  }
  return { status: 400, message: 'The request body could not be read.' };
}

/** Wraps a body parser so its failures answer JSON 4xx instead of Express's HTML error page. */
function guarded(parser: RequestHandler): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    parser(request, response, (error?: unknown) => {
      if (error === undefined || error === null) {
        next();
        return;
      }
      const { status, message } = statusOf(error);
      response.status(status).json({ statusCode: status, message });
    });
  };
}

/** JSON bodies up to `limit` bytes. */
export function jsonBody(limit: number): RequestHandler {
  return guarded(express.json({ limit }));
}

/** Raw bytes, whatever the content type (webhook signatures are computed on them). */
export function rawBody(limit: number): RequestHandler {
  return guarded(express.raw({ type: () => true, limit }));
}
