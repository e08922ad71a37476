/**
 * Reloads the rules when the file changes. The directory is watched, not the file: editors often save by
 * writing a new file and renaming it over the old one, which ends a watch on the old file. A watch on a
 * directory ends silently when the directory is deleted (a checkout switching branches, `rm -r conf`), so the
 * directory's identity is also checked once a second: when it is gone the developer is told, and when it
 * comes back the watch is set up again and the rules reloaded.
 *
 * A watch can also fail to start or die: Linux caps inotify instances per user (128 by default), and an
 * editor, a browser and a few test runs reach it. Then the file itself is looked at in that same once-a-second
 * check (its inode, size and mtime), and a watch is tried again each time, so edits are still picked up.
 */
import { statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadRulesFile, type HookServer } from '../hooks';

export interface RulesWatcher {
  close(): void;
}

export interface RulesWatcherOptions {
  /** `fs.watch`, replaceable so tests can make it fail the way an exhausted system does. */
  watch?: (dir: string, listener: (event: string, name: string | null) => void) => FSWatcher;
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

/** What changes when the file is written or replaced; '' when it is not there. */
function fileSignature(file: string): string {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
}

function whyNoWatch(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EMFILE') return "the system's limit on file watches is reached";
  return err instanceof Error ? err.message : String(err);
}

export function watchRules(file: string, server: HookServer, say: (m: string) => void, opts: RulesWatcherOptions = {}): RulesWatcher {
  const watch = opts.watch ?? ((dir, listener) => fsWatch(dir, listener));
  const dir = dirname(file);
  const name = basename(file);
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let watched = identity(dir);
  let seen = fileSignature(file);
  /** Whether the developer was told edits are found by looking once a second (said once per spell). */
  let pollingSaid = false;
  let closed = false;

  const gone = () => `rules file ${file}: its directory is gone; keeping the current rules and watching for it to come back`;
  const reload = async () => {
    seen = fileSignature(file);
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
  const arm = () => {
    try {
      const w = watch(dir, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        schedule();
      });
      // A watch that errors is dead: drop it, so the check looks at the file until a new watch starts.
      w.on('error', () => {
        w.close();
        if (watcher === w) watcher = undefined;
        check();
      });
      w.unref();
      watcher = w;
      if (pollingSaid) say(`watching ${file} for changes again`);
      pollingSaid = false;
    } catch (err) {
      if (!pollingSaid) say(`cannot watch ${dir} for changes (${whyNoWatch(err)}); checking ${name} once a second instead`);
      pollingSaid = true;
    }
  };
  const check = () => {
    if (closed) return;
    const now = identity(dir);
    if (now !== watched) {
      watcher?.close();
      watcher = undefined;
      watched = now;
      if (now === undefined) {
        say(gone());
        return;
      }
      say(`rules file ${file}: its directory is back; reloading`);
      arm();
      schedule();
      return;
    }
    if (now === undefined || watcher) return;
    arm();
    const signature = fileSignature(file);
    if (signature !== seen) {
      seen = signature;
      schedule();
    }
  };

  // The directory can go between loading the rules and this (a checkout switching branches as serve starts).
  if (watched === undefined) say(gone());
  else arm();
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
