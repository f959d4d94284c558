/**
 * The technician's way out of the kiosk: a key chord (`quitChord`, default
 * Control+Alt+Shift+Q) watched on the kiosk page's key presses, so that it works wherever
 * global shortcuts do not (Wayland) and only while the player has the keyboard.
 */

export const DEFAULT_QUIT_CHORD = 'Control+Alt+Shift+Q';

export interface Chord {
  control: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
  /** Upper-case letter or digit, or F1…F24. */
  key: string;
}

/** A chord already checked by the config schema (`QUIT_CHORD`). */
export function parseChord(text: string): Chord {
  const parts = text.split('+');
  const key = parts.pop()!.toUpperCase();
  const has = (...names: string[]) => parts.some((part) => names.includes(part));
  return {
    control: has('Control', 'Ctrl', 'CommandOrControl', 'CmdOrCtrl'),
    alt: has('Alt'),
    shift: has('Shift'),
    meta: has('Super', 'Meta'),
    key,
  };
}

export interface KeyInput {
  type: string;
  key: string;
  code: string;
  control: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}

/** The chord's key by its physical place (KeyQ, Digit1, F5) or by what it types, whatever the layout. */
function sameKey(chord: Chord, input: KeyInput): boolean {
  if (input.key.toUpperCase() === chord.key) return true;
  if (/^[A-Z]$/.test(chord.key)) return input.code === `Key${chord.key}`;
  if (/^\d$/.test(chord.key)) return input.code === `Digit${chord.key}`;
  return input.code === chord.key;
}

export function matchesChord(chord: Chord, input: KeyInput): boolean {
  return (
    input.type === 'keyDown' &&
    input.control === chord.control &&
    input.alt === chord.alt &&
    input.shift === chord.shift &&
    input.meta === chord.meta &&
    sameKey(chord, input)
  );
}

export interface KeyedContents {
  on(event: 'before-input-event', listener: (event: { preventDefault(): void }, input: KeyInput) => void): unknown;
}

export function watchQuitChord(contents: KeyedContents, chord: string, quit: () => void): void {
  const parsed = parseChord(chord);
  contents.on('before-input-event', (event, input) => {
    if (!matchesChord(parsed, input)) return;
    event.preventDefault();
    quit();
  });
}
