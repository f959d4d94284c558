import { describe, expect, it } from 'vitest';
import { frenchSpacing, slides } from '../../scripts/slides.js';

/** The bundled slides' text keeps times, ranges and numbers on one line (French typography's no-break spaces). */

const shown = (text: string) => frenchSpacing(text).replace(/\u00a0/g, '~').replace(/\u2060/g, '^');

describe('the slides’ French spacing', () => {
  it('binds a time, a range of hours, a phone number and what comes before : ; ! ?', () => {
    expect(shown('Lundi au vendredi : 8 h 30 – 12 h 00 et 13 h 30 – 17 h 00')).toBe('Lundi au vendredi~: 8~h~30~–^~12~h~00 et 13~h~30~–^~17~h~00');
    expect(shown('de 9 h à 12 h')).toBe('de 9~h à 12~h');
    expect(shown('Urgences (décès) : 06 00 00 00 00')).toBe('Urgences (décès)~: 06~00~00~00~00');
    expect(shown('Vraiment ? Oui !')).toBe('Vraiment~? Oui~!');
  });

  it('leaves words, lists of days and dashes between words as they are', () => {
    expect(shown('Fermé les 24, 25, 31 décembre et le 1er janvier')).toBe('Fermé les 24, 25, 31 décembre et le 1er janvier');
    expect(shown('18 — pompiers · 17 — police')).toBe('18 — pompiers · 17 — police');
    expect(shown('Recommandée dès 65 ans')).toBe('Recommandée dès 65 ans');
  });

  it('is applied to every slide line that has a time in it', () => {
    const timed = slides.flatMap((slide) => slide.lines).filter((line) => /\d h\b/.test(line));
    expect(timed.length).toBeGreaterThan(2);
    for (const line of timed) expect(frenchSpacing(line)).not.toMatch(/\d h|h \d/);
  });
});
