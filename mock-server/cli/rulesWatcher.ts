/**
 * Reloads the rules when the file changes. The directory is watched, not the file: editors often save by
 * writing a new file and renaming it over the old one, which ends a watch on the old file. A watch on a
 * directory ends silently when the directory is deleted (a checkout switching branches, `rm -r conf`), so the
 * directory's identity is also checked once a second: when it is gone the developer is told, and when it
 * comes back the watch is set up again and the rules reloaded.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadRulesFile, type HookServer } from '../hooks';

export interface RulesWatcher {
  close(): void;
}

const DEBOUNCE_MS = 150;
const CHECK_MS = 1000;

/** The directory's identity (device and inode), or undefined when it is not there. */
function identity(dir: string): string | undefined {
  try {
    const st = statSync(dir);
    return st.isDirectory() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

export function watchRules(file: string, server: HookServer, say: (m: string) => void): RulesWatcher | undefined {
  const dir = dirname(file);
  const name = basename(file);
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let watched = identity(dir);
  let closed = false;

  const reload = async () => {
    try {
      const rules = await loadRulesFile(file);
      if (closed) return;
      server.setRules(rules);
      say(`rules reloaded from ${file} (${rules.rules.length} rule${rules.rules.length === 1 ? '' : 's'})`);
    } catch (err) {
      // Keep answering with the last good rules: a half-typed file must not change what hooks get.
      if (!closed) say(`rules not reloaded, keeping the previous ones: ${(err as Error).message}`);
    }
  };
  const schedule = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      if (identity(dir) === watched) void reload();
      else check();
    }, DEBOUNCE_MS);
    debounce.unref();
  };
  const arm = (): boolean => {
    try {
      const w = watch(dir, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        schedule();
      });
      w.on('error', () => check());
      w.unref();
      watcher = w;
      return true;
    } catch {
      return false;
    }
  };
  const check = () => {
    if (closed) return;
    const now = identity(dir);
    if (now === watched) return;
    watcher?.close();
    watcher = undefined;
    watched = now;
    if (now === undefined) {
      say(`rules file ${file}: its directory is gone; keeping the current rules and watching for it to come back`);
      return;
    }
    if (arm()) {
      say(`rules file ${file}: its directory is back; watching it again`);
      schedule();
    } else {
      say(`cannot watch ${file} for changes any more; restart to pick up edits`);
    }
  };

  if (!arm()) {
    say(`cannot watch ${file} for changes; restart to pick up edits`);
    return undefined;
  }
  const poll = setInterval(check, CHECK_MS);
  poll.unref();
  return {
    close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(debounce);
      watcher?.close();
    },
  };
}
