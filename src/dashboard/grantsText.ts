import { GrantText, type Grant } from '../shared/access.js';

/** `editor@mairie viewer@*` -> grants, or the first text that is not a role. */
export function grantsFromText(text: string): { grants: Grant[] } | { bad: string } {
  const grants: Grant[] = [];
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    const parsed = GrantText.safeParse(word);
    if (!parsed.success) return { bad: word };
    grants.push(parsed.data);
  }
  return { grants };
}

/** The sites a roles text names that no screen is on (a typo, or a site not installed yet), when the hub has screens at all. */
export function sitesWithoutScreens(text: string, screenSites: ReadonlySet<string>): string[] {
  const read = grantsFromText(text);
  if ('bad' in read || screenSites.size === 0) return [];
  return [...new Set(read.grants.flatMap((grant) => (grant.site !== null && !screenSites.has(grant.site) ? [grant.site] : [])))];
}
