/**
 * What a media file is, from its first bytes, never from its name or the uploader's word: only
 * the formats a signage player shows (images, video, audio, WebVTT captions) are recognised.
 * SVG, HTML, scripts and anything else answer null and are refused at upload, so that nothing
 * the hub serves on its own origin can run script. A small closed list of signatures, hence no
 * dependency: a format outside it is refused, which is the safe way to be wrong.
 */

/** The content types the hub serves inline; anything else stored earlier is served as a download. */
export const SERVED_INLINE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'video/ogg',
  'audio/mpeg',
  'audio/mp4',
  'audio/wav',
  'audio/flac',
  'audio/aac',
  'text/vtt',
]);

/** How many first bytes `sniffMedia` needs. */
export const SNIFF_BYTES = 64;

const ascii = (bytes: Uint8Array, from: number, length: number): string => String.fromCharCode(...bytes.subarray(from, from + length));
const startsWith = (bytes: Uint8Array, signature: number[], at = 0): boolean => signature.every((byte, k) => bytes[at + k] === byte);

/** The content type of a file from its first SNIFF_BYTES bytes, or null when it is not a media type the hub accepts. */
export function sniffMedia(head: Uint8Array): string | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'image/webp';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE') return 'audio/wav';
  if (ascii(head, 0, 2) === 'BM' && head.length >= 26) return 'image/bmp';
  if (ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (brand === 'avif' || brand === 'avis') return 'image/avif';
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand.startsWith('M4A') || brand.startsWith('M4B')) return 'audio/mp4';
    return 'video/mp4';
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(head, 0, 4) === 'OggS') return 'video/ogg';
  if (ascii(head, 0, 4) === 'fLaC') return 'audio/flac';
  if (ascii(head, 0, 3) === 'ID3') return 'audio/mpeg';
  // Frame sync (11 bits set): MPEG audio (layer bits not 00: MP3 without tags) or AAC in ADTS (12 bits set, layer 00).
  if (head[0] === 0xff && head[1] !== undefined && (head[1] & 0xe0) === 0xe0) {
    if ((head[1] & 0x06) !== 0) return 'audio/mpeg';
    if ((head[1] & 0xf6) === 0xf0) return 'audio/aac';
  }
  // WebVTT: optional BOM, "WEBVTT", then a space, tab, line break or the end.
  const text = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  if (ascii(head, text, 6) === 'WEBVTT' && (head.length === text + 6 || [0x20, 0x09, 0x0a, 0x0d].includes(head[text + 6]!))) return 'text/vtt';
  return null;
}
