/**
 * The only way the core touches storage. The extension implements it on
 * `vscode.workspace.fs`, the CLI on Node's `fs`, tests on memory; so the same
 * store, index and exports run everywhere (including a future web build).
 *
 * Locations are opaque strings: absolute POSIX paths in the CLI, URI strings in
 * the extension. The core only ever appends suffixes to them or takes their
 * last segment, which works for both.
 */
export interface FileStat {
  /** Modification time in milliseconds since the epoch. */
  mtime: number;
  size: number;
}

export interface FileSystem {
  readFile(location: string): Promise<Uint8Array>;
  /** Writes the whole file, creating or truncating it. Not atomic by itself. */
  writeFile(location: string, data: Uint8Array): Promise<void>;
  /** Replaces `to` with `from` atomically where the platform allows it. */
  rename(from: string, to: string): Promise<void>;
  delete(location: string): Promise<void>;
  /** `undefined` when nothing is there. */
  stat(location: string): Promise<FileStat | undefined>;
  /**
   * Creates the file only when nothing is there yet, atomically with respect to other processes;
   * resolves `false` when something already is. The store takes its cross-process save lock with
   * it (two VS Code windows on one folder). Optional: without it the store still merges changes it
   * finds on disk, but cannot exclude a second writer saving at the very same moment.
   */
  createExclusive?(location: string, data: Uint8Array): Promise<boolean>;
}

/** Last path segment of a location (file name), for paths and URI strings alike. */
export function baseName(location: string): string {
  const trimmed = location.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut >= 0 ? trimmed.slice(cut + 1) : trimmed;
}

/** Everything before the last path segment, without a trailing separator. */
export function dirName(location: string): string {
  const trimmed = location.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut > 0 ? trimmed.slice(0, cut) : cut === 0 ? trimmed.slice(0, 1) : '';
}

export const SIDECAR_SUFFIX = '.annotations.yaml';

/** `seeds/a.txt` → `seeds/a.txt.annotations.yaml`. */
export function sidecarLocationFor(documentLocation: string): string {
  return documentLocation + SIDECAR_SUFFIX;
}

/** The inverse of {@link sidecarLocationFor}; `undefined` for other files. */
export function documentLocationFor(sidecarLocation: string): string | undefined {
  return sidecarLocation.endsWith(SIDECAR_SUFFIX)
    ? sidecarLocation.slice(0, -SIDECAR_SUFFIX.length)
    : undefined;
}

/** A file system held in memory: for unit tests and for documents that are not on disk. */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  private clock = 1;

  async readFile(location: string): Promise<Uint8Array> {
    const entry = this.files.get(location);
    if (!entry) throw Object.assign(new Error(`${location}: no such file`), { code: 'ENOENT' });
    return entry.data.slice();
  }
  async writeFile(location: string, data: Uint8Array): Promise<void> {
    this.files.set(location, { data: data.slice(), mtime: this.clock++ });
  }
  async rename(from: string, to: string): Promise<void> {
    const entry = this.files.get(from);
    if (!entry) throw Object.assign(new Error(`${from}: no such file`), { code: 'ENOENT' });
    this.files.delete(from);
    this.files.set(to, { data: entry.data, mtime: this.clock++ });
  }
  async delete(location: string): Promise<void> {
    this.files.delete(location);
  }
  async stat(location: string): Promise<FileStat | undefined> {
    const entry = this.files.get(location);
    return entry ? { mtime: entry.mtime, size: entry.data.byteLength } : undefined;
  }
  async createExclusive(location: string, data: Uint8Array): Promise<boolean> {
    if (this.files.has(location)) return false;
    this.files.set(location, { data: data.slice(), mtime: this.clock++ });
    return true;
  }
  /** Test helper: every location held. */
  list(): string[] {
    return [...this.files.keys()].sort();
  }
}
