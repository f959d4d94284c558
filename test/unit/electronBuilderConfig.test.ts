import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

/** Packaging downloads Electron and cannot run here: the config is checked against electron-builder's own schema. */
const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

function validator() {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  return ajv.compile(schema);
}

describe('electron-builder.yml', () => {
  const config = yaml.load(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

  it('validates against the schema electron-builder ships', () => {
    const validate = validator();
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check does catch a wrong config', () => {
    const validate = validator();
    expect(validate({ ...config, nsis: { perMachine: 'yes' } })).toBe(false);
    expect(validate({ ...config, notAnOption: true })).toBe(false);
  });

  it('ships the built app and names artifacts with version and arch', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/**', 'dist/web/**']));
    expect(String(config.artifactName)).toMatch(/\$\{version\}.*\$\{arch\}/);
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/main.cjs');
  });

  it('sets the Electron fuses: no run-as-node, no NODE_OPTIONS, no inspector, the app only from its checked asar', () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds AppImage and deb for x64 and arm64, and a per-machine NSIS installer for Windows', () => {
    const targets = (platform: string) => (config[platform] as { target: { target: string; arch: string[] }[] }).target;
    expect(targets('linux')).toEqual(
      expect.arrayContaining([
        { target: 'AppImage', arch: expect.arrayContaining(['x64', 'arm64']) },
        { target: 'deb', arch: expect.arrayContaining(['x64', 'arm64']) },
      ]),
    );
    expect(targets('win')).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
  });

  it('ships no node_modules (the main process is one bundle) and publishes updates to a generic server', () => {
    expect(config.files).toContain('!node_modules/**');
    expect(config.npmRebuild).toBe(false);
    expect(config.publish).toEqual([{ provider: 'generic', url: expect.stringMatching(/^https:\/\//) }]);
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.yml');
    // Issue 17: the release's latest*.yml are signed (Ed25519) once electron-builder wrote them.
    expect(pkg.scripts.dist).toMatch(/electron-builder --config electron-builder.yml && tsx scripts\/signRelease.ts release$/);
    expect(pkg.dependencies['electron-updater']).toBeDefined();
  });
});
