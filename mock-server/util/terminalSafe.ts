/**
 * Text from the network made safe to print on a terminal. Method names, URLs, body fields, error texts and
 * WCS frames come from whoever can reach our servers (any web page can post to loopback): printed raw, an ESC
 * or a C1 control starts a sequence that retitles the terminal, clears it, or writes the clipboard (OSC 52).
 * Every C0 and C1 control, DEL, the Unicode line separators and the bidirectional overrides (which reorder
 * what is shown) are written as `\uXXXX`, so the text stays readable and a JSON line stays valid JSON.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
