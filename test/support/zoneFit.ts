import type { Page } from 'playwright-core';

/**
 * What leaves its zone on a player's page, measured from the DOM: every element and every line of
 * text inside its zone's box (a ticker's line must fit its zone's height only: it scrolls through
 * by design), and every text whose capital height is below `minCapPx`.
 */

export interface Problem {
  zone: string;
  what: string;
}

/** Every element and text line that leaves its zone, and every text below `minCapPx` of capital height. */
export async function layoutProblems(page: Page, minCapPx: number): Promise<{ problems: Problem[]; texts: number; smallestCapPx: number }> {
  return page.evaluate((minCapPx) => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    const capRatio = (style: CSSStyleDeclaration) => {
      canvas.font = `${style.fontWeight} 100px ${style.fontFamily}`;
      return canvas.measureText('H').actualBoundingBoxAscent / 100;
    };
    const problems: { zone: string; what: string }[] = [];
    let texts = 0;
    let smallestCapPx = Infinity;
    const name = (el: Element) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
    for (const zone of document.querySelectorAll<HTMLElement>('[data-zone]')) {
      const id = zone.getAttribute('data-zone')!;
      const box = zone.getBoundingClientRect();
      const inside = (r: DOMRect, horizontal: boolean) =>
        r.width === 0 || r.height === 0 || (r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && (!horizontal || (r.left >= box.left - 1 && r.right <= box.right + 1)));
      for (const el of zone.querySelectorAll<HTMLElement>('*')) {
        // A ticker line scrolls through its zone by design: it must fit its height only.
        const scrolling = el.closest('.ticker-line') !== null;
        if (!inside(el.getBoundingClientRect(), !scrolling)) problems.push({ zone: id, what: `${name(el)} leaves the zone` });
        for (const node of el.childNodes) {
          if (node.nodeType !== Node.TEXT_NODE || !node.textContent?.trim()) continue;
          texts++;
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const line of range.getClientRects()) if (!inside(line, !scrolling)) problems.push({ zone: id, what: `text "${node.textContent.trim().slice(0, 30)}" leaves the zone` });
          const style = getComputedStyle(el);
          const capPx = parseFloat(style.fontSize) * capRatio(style);
          smallestCapPx = Math.min(smallestCapPx, capPx);
          if (capPx < minCapPx - 0.5) problems.push({ zone: id, what: `text "${node.textContent.trim().slice(0, 30)}" has capitals of ${capPx.toFixed(1)} px, under ${minCapPx.toFixed(1)}` });
        }
      }
    }
    return { problems, texts, smallestCapPx };
  }, minCapPx);
}
