/**
 * What a command may take from its arguments. VS Code passes the view item (or nothing, or the item and
 * the selection) when a command runs from a view menu, and nothing from the palette; tests and
 * keybindings pass the real value. Anything not of the expected shape means "ask the user". No `vscode`.
 */
import { ANY_HOOK_TYPES, type AnyHookType } from '../mock-server/protocol';

/** A string argument, else undefined (a tree node from a menu is not text). */
export function textArg(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** An array of known hook types, else undefined. */
export function hookTypesArg(v: unknown): AnyHookType[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.every((t) => typeof t === 'string' && (ANY_HOOK_TYPES as readonly string[]).includes(t)) ? (v as AnyHookType[]) : undefined;
}

/** Something shaped like a `vscode.Uri` with a scheme and a path, else undefined. */
export function uriArg<U extends { readonly scheme: string; readonly path: string }>(v: unknown): U | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const u = v as { scheme?: unknown; path?: unknown; with?: unknown };
  return typeof u.scheme === 'string' && u.scheme !== '' && typeof u.path === 'string' && u.path !== '' && typeof u.with === 'function'
    ? (v as U)
    : undefined;
}
