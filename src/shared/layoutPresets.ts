import { Layout, MAIN_ZONE, type LayoutInput } from './layout.js';

/**
 * The layouts a dashboard offers to start from, landscape and portrait. Each is a valid
 * §6 layout (checked by the tests); `services` of the queue zone are the site's to fill in.
 */

export type LayoutPresetId = 'plein-ecran' | 'carrousel-file' | 'carrousel-file-bandeau' | 'portrait-file-bandeau';

export interface LayoutPreset {
  id: LayoutPresetId;
  orientation: 'landscape' | 'portrait';
  label: { fr: string; en: string };
  /** The layout, with the queue zone's services given (none given: `services` absent, every service). */
  make(services: string[]): Layout;
}

/** §6: a queue zone without `services` shows every service; an empty list would show none. */
function servicesOf(services: string[]): { services?: string[] } {
  return services.length > 0 ? { services } : {};
}

function layout(input: LayoutInput): Layout {
  return Layout.parse(input);
}

export const LAYOUT_PRESETS: readonly LayoutPreset[] = [
  {
    id: 'plein-ecran',
    orientation: 'landscape',
    label: { fr: 'Plein écran', en: 'Full screen' },
    make: () => layout({ id: 'plein-ecran', zones: [{ id: MAIN_ZONE, x: 0, y: 0, width: 100, height: 100 }] }),
  },
  {
    id: 'carrousel-file',
    orientation: 'landscape',
    label: { fr: 'Carrousel + file d’attente', en: 'Carousel + queue' },
    make: (services) =>
      layout({
        id: 'carrousel-file',
        zones: [
          { id: MAIN_ZONE, x: 0, y: 0, width: 70, height: 100 },
          { id: 'file', x: 70, y: 0, width: 30, height: 100, kind: 'queue', ...servicesOf(services) },
        ],
      }),
  },
  {
    id: 'carrousel-file-bandeau',
    orientation: 'landscape',
    label: { fr: 'Carrousel + file d’attente + bandeau', en: 'Carousel + queue + ticker' },
    make: (services) =>
      layout({
        id: 'carrousel-file-bandeau',
        zones: [
          { id: MAIN_ZONE, x: 0, y: 0, width: 70, height: 88 },
          { id: 'file', x: 70, y: 0, width: 30, height: 88, kind: 'queue', ...servicesOf(services) },
          { id: 'bandeau', x: 0, y: 88, width: 100, height: 12, kind: 'ticker' },
        ],
      }),
  },
  {
    id: 'portrait-file-bandeau',
    orientation: 'portrait',
    label: { fr: 'Portrait : carrousel, file d’attente, bandeau', en: 'Portrait: carousel, queue, ticker' },
    make: (services) =>
      layout({
        id: 'portrait-file-bandeau',
        zones: [
          { id: MAIN_ZONE, x: 0, y: 0, width: 100, height: 58 },
          { id: 'file', x: 0, y: 58, width: 100, height: 34, kind: 'queue', ...servicesOf(services) },
          { id: 'bandeau', x: 0, y: 92, width: 100, height: 8, kind: 'ticker' },
        ],
      }),
  },
];

export function layoutPreset(id: LayoutPresetId): LayoutPreset {
  return LAYOUT_PRESETS.find((preset) => preset.id === id)!;
}
