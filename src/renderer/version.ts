declare const __PLAYER_VERSION__: string;

/** The player's version (package.json), as `hello` and `status` report it. */
export const PLAYER_VERSION: string = typeof __PLAYER_VERSION__ === 'string' ? __PLAYER_VERSION__ : '0.0.0-dev';
