import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id through @node-rs/argon2: prebuilt binaries from the npm registry,
 * no install script and no node-gyp, so `npm ci` stays script-free.
 */
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }
}
