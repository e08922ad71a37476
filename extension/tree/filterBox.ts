/**
 * The type-to-filter box of the Hooks view: an input box whose text filters the tree as it is typed (the
 * view batches the refreshes). Enter keeps the filter; Escape, or focus moving away, puts back the text
 * filter that was in force before. Only the text part changes: held-only and hook types stay as they are.
 */
import * as vscode from 'vscode';
import type { HookView } from '../../mock-server/view';

let open: vscode.InputBox | undefined;

/** The box while it is open (tests type into it through this). */
export function openFilterBox(): vscode.InputBox | undefined {
  return open;
}

/** Opens the box; resolves with the text kept, or undefined when the box was dismissed. */
export function filterByTyping(model: HookView): Promise<string | undefined> {
  open?.hide();
  const before = model.filter.text ?? '';
  const box = vscode.window.createInputBox();
  box.title = 'Filter hooks';
  box.placeholder = 'Type to filter: method, app, ids, field values, body or answer text';
  box.prompt = 'The tree filters as you type. Enter keeps the filter, Escape restores the previous one.';
  box.value = before;
  const setText = (text: string) => model.setFilter({ ...model.filter, text });
  return new Promise((resolve) => {
    let kept = false;
    const subs = [
      box.onDidChangeValue(setText),
      box.onDidAccept(() => {
        kept = true;
        setText(box.value);
        box.hide();
      }),
      box.onDidHide(() => {
        const text = box.value;
        for (const s of subs) s.dispose();
        box.dispose();
        if (open === box) open = undefined;
        if (!kept) setText(before);
        resolve(kept ? text : undefined);
      }),
    ];
    open = box;
    box.show();
  });
}
