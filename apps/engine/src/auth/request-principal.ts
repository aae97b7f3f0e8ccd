import type { Principal } from './principal';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by SessionGuard once the session is verified. */
    principal?: Principal;
  }
}

export {};
