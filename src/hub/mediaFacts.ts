import { join } from 'node:path';
import type { MediaFactsList } from '../shared/adminApi.js';
import { hasAudioTrack } from './mediaAudio.js';

/**
 * What the content lint needs to know about the hub's media files and cannot read from a
 * playlist: whether a video has an audio track. Read from the stored file on first ask and
 * remembered (a file's content never changes: it is stored by its digest).
 */
export class MediaFacts {
  private readonly audio = new Map<string, boolean | null>();

  constructor(
    private readonly dir: string,
    /** The stored file's type, or null when the hub does not have it. */
    private readonly typeOf: (sha256: string) => Promise<string | null> | string | null,
  ) {}

  async of(digests: readonly string[]): Promise<MediaFactsList> {
    const facts: MediaFactsList['facts'] = {};
    for (const digest of new Set(digests.map((d) => d.toLowerCase()))) {
      const type = await this.typeOf(digest);
      if (type === null) continue;
      if (!this.audio.has(digest)) this.audio.set(digest, type.startsWith('video/') ? ((await hasAudioTrack(join(this.dir, digest))) ?? null) : false);
      facts[digest] = { audio: this.audio.get(digest)! };
    }
    return { facts };
  }
}
