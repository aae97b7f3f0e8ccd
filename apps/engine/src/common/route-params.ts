import { z } from 'zod';

/** The id in a route's path: a UUID (anything else is a 400 naming the parameter, never a database error). */
export const idParam = z.uuid('must be a UUID');
