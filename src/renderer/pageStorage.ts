/** The origin's localStorage, or null where the page may not use it (a policy, a private window) or there is none (Node, in a unit test). */
export function pageStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
