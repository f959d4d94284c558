import { createPrivateKey, sign } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `npm run dist`'s last step: signs every `latest*.yml` electron-builder wrote in `release/`
 * with the release's Ed25519 private key (PEM in ANTICHAMBRE_RELEASE_KEY, or a file named by
 * ANTICHAMBRE_RELEASE_KEY_FILE), writing `<file>.sig` (base64) beside it. Publish both. Kiosks
 * verify with the public key built into them (src/main/releaseSignature.ts).
 *   make a key pair: openssl genpkey -algorithm ed25519 -out release.key
 *                    openssl pkey -in release.key -pubout -out release.pub
 */

export function signReleaseFolder(dir: string, privateKeyPem: string): string[] {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`release key: ${key.asymmetricKeyType}, expected ed25519`);
  const files = readdirSync(dir).filter((name) => /^latest.*\.yml$/.test(name));
  if (files.length === 0) throw new Error(`${dir}: no latest*.yml to sign (run electron-builder first)`);
  for (const name of files) writeFileSync(join(dir, `${name}.sig`), `${sign(null, readFileSync(join(dir, name)), key).toString('base64')}\n`);
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pem = process.env['ANTICHAMBRE_RELEASE_KEY'] ?? (process.env['ANTICHAMBRE_RELEASE_KEY_FILE'] ? readFileSync(process.env['ANTICHAMBRE_RELEASE_KEY_FILE'], 'utf8') : undefined);
  if (!pem) {
    console.error('signRelease: set ANTICHAMBRE_RELEASE_KEY (PEM) or ANTICHAMBRE_RELEASE_KEY_FILE; kiosks refuse unsigned updates');
    process.exit(1);
  }
  const dir = resolve(process.argv[2] ?? 'release');
  for (const name of signReleaseFolder(dir, pem)) console.log(`signed ${join(dir, name)} -> ${name}.sig`);
}
