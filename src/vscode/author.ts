// Who is editing, for the `author` field, when the `claimlens.author` setting is empty: git's global
// user.name (one quick `git config --global` call, never the workspace's own config, which an
// untrusted folder could set), else the operating-system user.
import { execFile } from 'node:child_process';
import * as os from 'node:os';

export function defaultAuthor(trusted: boolean): Promise<string | undefined> {
  const osUser = (): string | undefined => {
    try {
      return os.userInfo().username || undefined;
    } catch {
      return undefined;
    }
  };
  if (!trusted) return Promise.resolve(osUser());
  return new Promise((resolve) => {
    try {
      execFile('git', ['config', '--global', '--get', 'user.name'], { timeout: 1500, windowsHide: true }, (error, stdout) => {
        const name = !error ? String(stdout).trim() : '';
        resolve(name || osUser());
      });
    } catch {
      resolve(osUser());
    }
  });
}
