/**
 * The mouse pointer is hidden after `idleMs` without a move, and shown again on the next
 * one: a user style sheet put into the page from here (not subject to the page's CSP), put
 * back after every load, since a reload drops it.
 */

export const CURSOR_IDLE_MS = 3_000;
export const HIDDEN_CURSOR_CSS = '*, *::before, *::after { cursor: none !important; }';

export interface CursorContents {
  on(event: 'before-mouse-event', listener: (event: unknown, mouse: { type: string }) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  insertCSS(css: string): Promise<string>;
  removeInsertedCSS(key: string): Promise<void>;
}

export function hideIdleCursor(contents: CursorContents, idleMs: number = CURSOR_IDLE_MS): void {
  let key: Promise<string | null> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const hide = () => {
    timer = null;
    if (!key) key = contents.insertCSS(HIDDEN_CURSOR_CSS).catch(() => null);
  };
  const show = () => {
    const inserted = key;
    key = null;
    void inserted?.then((value) => (value ? contents.removeInsertedCSS(value) : undefined)).catch(() => {});
  };
  const restart = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(hide, idleMs);
  };

  contents.on('before-mouse-event', (_event, mouse) => {
    if (mouse.type !== 'mouseMove' && mouse.type !== 'mouseDown' && mouse.type !== 'mouseWheel') return;
    show();
    restart();
  });
  contents.on('did-finish-load', () => {
    // The page is new: whatever was inserted is gone with the old one.
    key = null;
    restart();
  });
  restart();
}
