import { createPublicKey, verify } from 'node:crypto';

/**
 * Signed updates: `npm run dist` signs each `latest*.yml` with the release's Ed25519 private
 * key (scripts/signRelease.ts writes `latest*.yml.sig`, base64); before electron-updater may
 * download anything, the kiosk fetches the yml and its signature over https, verifies them
 * with the public key built into the app, and later lets it download only the version and
 * files (sha512) that this signed yml names. electron-updater then checks the installer
 * against that sha512, so whoever controls the update folder without the key installs nothing.
 */

/** The release key built into the app (vite `define` from ANTICHAMBRE_RELEASE_PUBLIC_KEY at build; empty: updates refused). */
declare const __RELEASE_PUBLIC_KEY__: string | undefined;
export const BUILT_IN_RELEASE_KEY: string = typeof __RELEASE_PUBLIC_KEY__ === 'string' ? __RELEASE_PUBLIC_KEY__ : '';

/** The yml electron-updater reads on this platform (its generic provider's naming). */
export function channelFile(platform: NodeJS.Platform, arch: string): string {
  if (platform === 'win32') return 'latest.yml';
  if (platform === 'darwin') return 'latest-mac.yml';
  return arch === 'arm64' ? 'latest-linux-arm64.yml' : 'latest-linux.yml';
}

/** Fetches a URL's bytes; throws on a network error or a status other than 200. */
export type FetchBytes = (url: string) => Promise<Buffer>;

/** Fetches `<updateUrl>/<file>` and its `.sig`, and answers the yml's text once its signature is the release key's; throws, saying why, otherwise. */
export async function fetchSignedFeed(fetchBytes: FetchBytes, updateUrl: string, file: string, publicKeyPem: string): Promise<string> {
  const base = new URL(updateUrl.endsWith('/') ? updateUrl : `${updateUrl}/`);
  if (base.protocol !== 'https:') throw new Error(`update: ${updateUrl} refused: an update folder must be https (over ${base.protocol} anyone on the network could serve an installer)`);
  if (!publicKeyPem.trim()) throw new Error('update: this build has no release key (ANTICHAMBRE_RELEASE_PUBLIC_KEY at build time); updates are refused');
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`update: the built-in release key is ${key.asymmetricKeyType}, expected ed25519`);
  const ymlUrl = new URL(file, base).href;
  const [yml, signature] = await Promise.all([fetchBytes(ymlUrl), fetchBytes(`${ymlUrl}.sig`)]);
  const raw = Buffer.from(signature.toString('utf8').trim(), 'base64');
  if (raw.length !== 64 || !verify(null, yml, key, raw)) throw new Error(`update: ${file} refused: its signature (${file}.sig) is not the release key's (changed on the server, or signed with another key)`);
  return yml.toString('utf8');
}

/** What electron-updater found (its `update-available` info; the parts checked). */
export interface FoundUpdate {
  version: string;
  files: readonly { url: string; sha512: string }[];
}

/** Null when the version and every file electron-updater would download are the ones the signed yml names; else why not. */
export function mismatchWithSigned(found: FoundUpdate, signedYml: string): string | null {
  const lines = new Set(signedYml.split(/\r?\n/).map((line) => line.trim().replace(/^-\s+/, '')));
  const quoted = (value: string) => [value, `'${value}'`, `"${value}"`];
  if (!quoted(found.version).some((v) => lines.has(`version: ${v}`))) return `version ${found.version} is not the signed one`;
  if (found.files.length === 0) return 'no file to check';
  for (const file of found.files) if (!quoted(file.sha512).some((v) => lines.has(`sha512: ${v}`))) return `${file.url}: its sha512 is not in the signed yml`;
  return null;
}
