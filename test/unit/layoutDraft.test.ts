import { describe, expect, it } from 'vitest';
import { fieldsOf, namesOf, readLayout, type LayoutFields } from '../../src/dashboard/layoutDraft.js';
import { layoutPreset } from '../../src/shared/layoutPresets.js';

/** The dashboard's layout editor: the names' fields (one `id = name` a line) read into the layout, and their errors under them. */

function fields(serviceNames: string, counterNames = ''): LayoutFields {
  return { ...fieldsOf(layoutPreset('carrousel-file').make(['etat-civil', 'titres'])), serviceNames, counterNames };
}

function issuesOf(serviceNames: string, counterNames = ''): { field: string; message: string }[] {
  const reading = readLayout(fields(serviceNames, counterNames), null, 'en');
  if (reading.ok) throw new Error('expected the layout to be refused');
  return reading.issues.map(({ field, message }) => ({ field, message }));
}

describe('the layout editor’s names', () => {
  it('reads one name a line, trimmed, blank lines skipped; back into the field as it shows them', () => {
    const reading = readLayout(fields(' etat-civil =  État civil \n\ntitres=Pièces d’identité = CNI'), null, 'en');
    expect(reading.ok && reading.layout.serviceNames).toEqual({ 'etat-civil': 'État civil', titres: 'Pièces d’identité = CNI' });
    expect(reading.ok && 'counterNames' in reading.layout).toBe(false);
    if (reading.ok) expect(fieldsOf(reading.layout).serviceNames).toBe('etat-civil = État civil\ntitres = Pièces d’identité = CNI');
  });

  it('names each wrong line under its field: no name, no id, an id named twice, a counter', () => {
    expect(issuesOf('etat-civil = État civil\ntitres')).toEqual([{ field: 'layout-service-names', message: 'titres: expected the name people read for the service (not empty)' }]);
    expect(issuesOf('etat-civil = État civil\n= Accueil')).toEqual([{ field: 'layout-service-names', message: 'line 2: no id before "="' }]);
    expect(issuesOf('etat-civil = État civil\ntitres = Titres\netat-civil = Autre')).toEqual([{ field: 'layout-service-names', message: 'line 3: etat-civil is named on line 1 already' }]);
    expect(issuesOf('', '3 = Box 3\nbox 4 = Box 4')).toEqual([{ field: 'layout-counter-names', message: 'box 4: not a counter id (1 to 64 characters among A-Z a-z 0-9 . _ -)' }]);
  });

  it('keeps a line `__proto__ = …` as a key the schema refuses, never the prototype', () => {
    const names = namesOf('__proto__ = Accueil');
    expect(Object.getPrototypeOf(names)).toBe(Object.prototype);
    expect(Object.keys(names)).toEqual(['__proto__']);
    expect(issuesOf('__proto__ = Accueil')).toEqual([{ field: 'layout-service-names', message: '__proto__: "__proto__" cannot be a service id: choose another' }]);
  });
});
