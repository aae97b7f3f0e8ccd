import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MediaStorage } from './media-storage';

/** Media in a local folder (embedded mode): one file per key, written whole or not at all. */
export class LocalMediaStorage extends MediaStorage {
  private readonly root: string;

  constructor(folder: string) {
    super();
    this.root = resolve(folder);
  }

  private path(key: string): string {
    // Keys are made by Parley (workspace/uuid[.variant]); refuse anything else rather than trust it.
    if (!/^[0-9a-f-]{36}\/[0-9a-f-]{36}(\.[a-z]+)?$/.test(key)) throw new Error(`not a media key: ${key}`);
    return join(this.root, key);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.part`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  describe(): string {
    return `folder ${this.root}`;
  }
}
