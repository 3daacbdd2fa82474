// The core's FileSystem on top of `vscode.workspace.fs`, so the one AnnotationStore (and the corpus
// index) read and write through VS Code: local folders, remote hosts and virtual file systems alike.
// Locations are URI strings (`uri.toString()`); the core only appends suffixes to them.
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { FileStat, FileSystem } from '../core/fs';

/** The store's key for a document: its URI as a string. */
export function locationOf(uri: vscode.Uri): string {
  return uri.toString();
}

export function uriOf(location: string): vscode.Uri {
  return vscode.Uri.parse(location, true);
}

/** Errors the core recognises (`code: 'ENOENT'`), with VS Code's own code kept in the message. */
function translate(error: unknown, location: string): Error {
  if (error instanceof vscode.FileSystemError) {
    const code = error.code === 'FileNotFound' ? 'ENOENT'
      : error.code === 'NoPermissions' ? 'EACCES'
      : error.code === 'FileExists' ? 'EEXIST'
      : error.code === 'Unavailable' ? 'EAGAIN'
      : error.code;
    return Object.assign(new Error(`${uriOf(location).fsPath || location}: ${error.message}`), { code });
  }
  return error instanceof Error ? error : new Error(String(error));
}

export class WorkspaceFileSystem implements FileSystem {
  async readFile(location: string): Promise<Uint8Array> {
    try {
      return await vscode.workspace.fs.readFile(uriOf(location));
    } catch (error) {
      throw translate(error, location);
    }
  }

  async writeFile(location: string, data: Uint8Array): Promise<void> {
    try {
      await vscode.workspace.fs.writeFile(uriOf(location), data);
    } catch (error) {
      throw translate(error, location);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const source = uriOf(from);
    const target = uriOf(to);
    // VS Code's disk file system implements an overwriting rename as delete-then-rename, which
    // leaves a moment (and, after a crash, a state) without the sidecar. On local files the
    // extension host can use the operating system's atomic rename instead.
    if (source.scheme === 'file' && target.scheme === 'file') {
      try {
        await fsp.rename(source.fsPath, target.fsPath);
        return;
      } catch (error) {
        throw Object.assign(new Error(`${target.fsPath}: ${(error as Error).message}`), { code: (error as NodeJS.ErrnoException).code });
      }
    }
    try {
      await vscode.workspace.fs.rename(source, target, { overwrite: true });
    } catch (error) {
      throw translate(error, from);
    }
  }

  async delete(location: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(uriOf(location), { useTrash: false });
    } catch (error) {
      const translated = translate(error, location);
      if ((translated as { code?: string }).code !== 'ENOENT') throw translated;
    }
  }

  async createExclusive(location: string, data: Uint8Array): Promise<boolean> {
    const uri = uriOf(location);
    // Exclusive creation is what makes the store's save lock work across windows: the operating
    // system guarantees it for local files; other file systems get a best effort (look, then write).
    if (uri.scheme === 'file') {
      try {
        await fsp.writeFile(uri.fsPath, data, { flag: 'wx' });
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw Object.assign(new Error(`${uri.fsPath}: ${(error as Error).message}`), { code: (error as NodeJS.ErrnoException).code });
      }
    }
    if (await this.stat(location)) return false;
    await this.writeFile(location, data);
    return true;
  }

  async stat(location: string): Promise<FileStat | undefined> {
    try {
      const stat = await vscode.workspace.fs.stat(uriOf(location));
      return { mtime: stat.mtime, size: stat.size };
    } catch (error) {
      const translated = translate(error, location);
      if ((translated as { code?: string }).code === 'ENOENT') return undefined;
      throw translated;
    }
  }

  /** Whether the file system holding `uri` accepts writes (false for read-only virtual file systems). */
  isWritable(uri: vscode.Uri): boolean {
    return vscode.workspace.fs.isWritableFileSystem(uri.scheme) !== false;
  }
}
