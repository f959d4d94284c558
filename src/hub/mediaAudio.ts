/**
 * Whether a video file has an audio track (players show videos muted, so its speech needs
 * captions): read from the container's track list with music-metadata (a maintained reader of
 * MP4, WebM/Matroska, Ogg and others). Answers undefined when the file cannot be read as media.
 */
export async function hasAudioTrack(path: string): Promise<boolean | undefined> {
  try {
    // Loaded at the first video looked at, not at every start of the hub or its CLI.
    const { parseFile } = await import('music-metadata');
    const metadata = await parseFile(path, { duration: false, skipCovers: true });
    return metadata.format.hasAudio;
  } catch {
    return undefined;
  }
}
