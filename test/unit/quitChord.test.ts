import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIT_CHORD, matchesChord, parseChord, watchQuitChord, type KeyedContents, type KeyInput } from '../../src/main/quitChord.js';
import { PlayerConfig } from '../../src/shared/config.js';

const key = (partial: Partial<KeyInput>): KeyInput => ({ type: 'keyDown', key: 'q', code: 'KeyQ', control: false, alt: false, shift: false, meta: false, ...partial });
const chord = parseChord(DEFAULT_QUIT_CHORD);

describe('technician quit chord', () => {
  it('parses the default chord', () => {
    expect(chord).toEqual({ control: true, alt: true, shift: true, meta: false, key: 'Q' });
    expect(parseChord('CmdOrCtrl+Super+F12')).toEqual({ control: true, alt: false, shift: false, meta: true, key: 'F12' });
  });

  it('matches exactly its modifiers and key, on key down only', () => {
    expect(matchesChord(chord, key({ control: true, alt: true, shift: true, key: 'Q' }))).toBe(true);
    expect(matchesChord(chord, key({ control: true, alt: true, shift: false }))).toBe(false);
    expect(matchesChord(chord, key({ control: true, alt: true, shift: true, meta: true }))).toBe(false);
    expect(matchesChord(chord, key({ control: true, alt: true, shift: true, key: 'W', code: 'KeyW' }))).toBe(false);
    expect(matchesChord(chord, key({ type: 'keyUp', control: true, alt: true, shift: true }))).toBe(false);
  });

  it('finds the key by its place whatever the layout types', () => {
    // Alt on some layouts types another character: the physical key still counts.
    expect(matchesChord(chord, key({ control: true, alt: true, shift: true, key: 'Ω', code: 'KeyQ' }))).toBe(true);
    expect(matchesChord(parseChord('Control+Alt+5'), key({ control: true, alt: true, key: '(', code: 'Digit5' }))).toBe(true);
    expect(matchesChord(parseChord('Control+Shift+F10'), key({ control: true, shift: true, key: 'F10', code: 'F10' }))).toBe(true);
  });

  it('quits on the chord and keeps the key from the page; lets other keys through', () => {
    let listener: ((event: { preventDefault(): void }, input: KeyInput) => void) | null = null;
    const contents: KeyedContents = { on: (_event, l) => (listener = l) };
    let quits = 0;
    watchQuitChord(contents, 'Control+Alt+Shift+Q', () => quits++);
    const press = (input: KeyInput) => {
      let prevented = false;
      listener!({ preventDefault: () => (prevented = true) }, input);
      return prevented;
    };
    expect(press(key({ control: true, key: 'q' }))).toBe(false);
    expect(quits).toBe(0);
    expect(press(key({ control: true, alt: true, shift: true, key: 'Q' }))).toBe(true);
    expect(quits).toBe(1);
  });

  it('the config refuses a chord a visitor could press by chance', () => {
    expect(PlayerConfig.safeParse({ quitChord: 'Control+Alt+Shift+Q' }).success).toBe(true);
    expect(PlayerConfig.safeParse({ quitChord: 'Ctrl+Super+F12' }).success).toBe(true);
    for (const bad of ['Q', 'Control+Q', 'Control+Alt+', 'Control+Alt+Enter', 'Control+Alt+F25', 'Hyper+Alt+Q']) {
      expect(PlayerConfig.safeParse({ quitChord: bad }).success, bad).toBe(false);
    }
  });
});
