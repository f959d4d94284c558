import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HubError } from './hubError.js';
import { SNIFF_BYTES, sniffMedia } from './mediaSniff.js';
import type { MediaIndex } from './stores/index.js';

/**
 * Media files stored content-addressed: `<dir>/<sha256>`, with their size and type in the
 * database's media index. An upload is hashed as it is written to a temporary file and only renamed into
 * place when its digest is the one announced, so a half or wrong file is never served.
 */
export class MediaFiles {
  constructor(
    readonly dir: string,
    private readonly index: MediaIndex,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  info(sha256: string): Promise<{ bytes: number; type: string } | null> {
    return this.index.info(sha256);
  }

  async missing(digests: string[]): Promise<string[]> {
    const known = await Promise.all(digests.map((sha256) => this.index.info(sha256)));
    return digests.filter((_, i) => !known[i]);
  }

  /**
   * Stores the body under its own digest, or refuses it when `sha256` (the announced one) is
   * given and differs, or when its first bytes are not an image, video, audio or WebVTT file
   * (mediaSniff.ts). The type stored and served is the one read from the bytes; `declared`
   * (the uploader's Content-Type) only helps say what was expected.
   */
  async store(sha256: string | null, declared: string, body: Readable, maxBytes: number): Promise<{ sha256: string; bytes: number; type: string }> {
    const expected = sha256?.toLowerCase() ?? null;
    const tmp = join(this.dir, `.upload-${randomUUID()}`);
    const hash = createHash('sha256');
    let bytes = 0;
    let head = Buffer.alloc(0);
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new HubError(413, `body: larger than the ${Math.round(maxBytes / 1e6)} MB limit of one media file`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, count, createWriteStream(tmp));
      const actual = hash.digest('hex');
      if (expected !== null && actual !== expected) throw new HubError(400, `body: its sha256 is ${actual}, not ${expected} as the URL says (file changed or upload cut)`);
      if (expected === null && bytes === 0) throw new HubError(400, 'body: empty file');
      const type = sniffMedia(head);
      if (!type) {
        throw new HubError(
          415,
          `body: not an image, video, audio or WebVTT file (sent as ${JSON.stringify(declared)}; its first bytes are none of PNG, JPEG, GIF, WebP, AVIF, BMP, MP4, WebM, Ogg, MP3, AAC, WAV, FLAC, WebVTT); SVG, HTML and other documents are refused`,
        );
      }
      await rename(tmp, join(this.dir, actual));
      await this.index.record(actual, bytes, type, Date.now());
      return { sha256: actual, bytes, type };
    } finally {
      await rm(tmp, { force: true });
    }
  }
}
