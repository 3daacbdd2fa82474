/** The core's FileSystem on Node's `fs`, for the CLI. */
import { promises as fsp } from 'node:fs';
import type { FileStat, FileSystem } from '../core/fs';

export class NodeFileSystem implements FileSystem {
  async readFile(location: string): Promise<Uint8Array> {
    return fsp.readFile(location);
  }
  async writeFile(location: string, data: Uint8Array): Promise<void> {
    await fsp.writeFile(location, data);
  }
  async rename(from: string, to: string): Promise<void> {
    await fsp.rename(from, to);
  }
  async delete(location: string): Promise<void> {
    await fsp.rm(location, { force: true });
  }
  async createExclusive(location: string, data: Uint8Array): Promise<boolean> {
    try {
      await fsp.writeFile(location, data, { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }
  async stat(location: string): Promise<FileStat | undefined> {
    try {
      const s = await fsp.stat(location);
      return { mtime: s.mtimeMs, size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}
