/** The player's IndexedDB database (PlayerDb's, opened early by the start frame script, startFrame.ts). A module of its own: importing it opens nothing. */
export const PLAYER_DB_NAME = 'antichambre';
