/**
 * WCS posts to `<app URL>/<method>` and apps may live under any prefix, so the method is the last path
 * segment and everything before it is the app (PROTOCOL.md §1.1).
 */
export interface HookPath {
  /** `/EchoApp`, `/rest/my_api`, '' for `/connect`. */
  readonly app: string;
  /** Last non-empty segment, percent-decoded; '' when the path has none. */
  readonly method: string;
}

export function splitHookPath(url: string): HookPath {
  let path = url;
  if (path.charCodeAt(0) !== 47 /* '/' */) {
    // absolute-form request targets ("POST http://host/app/connect") are legal HTTP/1.1
    try {
      path = new URL(path).pathname;
    } catch {
      path = '/' + path;
    }
  }
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end--;
  if (end !== path.length) path = path.slice(0, end);
  const slash = path.lastIndexOf('/');
  let method = path.slice(slash + 1);
  const app = slash > 0 ? path.slice(0, slash) : '';
  if (method.includes('%')) {
    try {
      method = decodeURIComponent(method);
    } catch {
      // keep the raw segment: a bad escape is still a name worth showing
    }
  }
  return { app, method };
}
