import { useEffect, useRef, useState } from 'react';
import type { SlotView } from '../playback.js';
import { WithQr } from './QrCode.js';
import { QueueBoard } from './QueueBoard.js';
import { ITEM_TIMING } from '../deferredCode.js';

export interface ItemCallbacks {
  onReady(key: string): void;
  onFailed(key: string): void;
  onEnded(key: string): void;
  onShown(key: string): void;
}

/** One item on the stage. Attributes of protocol §5 only once it is on screen. */
export function ItemView({ slot, callbacks }: { slot: SlotView; callbacks: ItemCallbacks }) {
  const onScreen = slot.phase !== 'preload';
  return (
    <div
      className={`slot slot-${slot.phase} slot-${slot.item.type}${slot.fadeMs > 0 ? ' slot-fade' : ''}`}
      style={slot.fadeMs > 0 ? { animationDuration: `${slot.fadeMs}ms` } : undefined}
      data-playlist-id={onScreen ? slot.playlistId : undefined}
      data-item-id={onScreen ? slot.itemId : undefined}
      data-leaving={slot.phase === 'leaving' ? '' : undefined}
      data-preload={slot.phase === 'preload' ? '' : undefined}
      aria-hidden={slot.phase === 'current' ? undefined : true}
      onAnimationEnd={slot.phase === 'current' ? () => callbacks.onShown(slot.key) : undefined}
    >
      <Content slot={slot} callbacks={callbacks} />
    </div>
  );
}

function Content({ slot, callbacks }: { slot: SlotView; callbacks: ItemCallbacks }) {
  const item = slot.item;
  // A text or a board has nothing to load or decode ahead: drawn once on screen, so that the page
  // never holds a second copy of what is shown (a playlist of one text item prepares that very
  // item next; a test looking for its text, or for a service's `data-service`, must find one).
  if (slot.phase === 'preload' && (item.type === 'text' || item.type === 'wait')) return null;
  switch (item.type) {
    case 'image':
      return (
        <WithQr qr={item.qr}>
          <ImageContent slot={slot} callbacks={callbacks} alt={item.alt ?? ''} />
        </WithQr>
      );
    case 'video':
      return <VideoContent slot={slot} callbacks={callbacks} />;
    case 'text':
      return (
        <WithQr qr={item.qr}>
          <div className="text-slide" style={item.colors?.background ? { background: item.colors.background } : undefined}>
            <h1 className="text-title" style={item.colors?.text ? { color: item.colors.text } : undefined}>
              {item.title}
            </h1>
            {item.body ? (
              <p className="text-body" style={item.colors?.text ? { color: item.colors.text } : undefined}>
                {item.body}
              </p>
            ) : null}
          </div>
        </WithQr>
      );
    case 'wait':
      return <QueueBoard services={[item.service]} onScreen={slot.phase === 'current'} />;
  }
}

function ImageContent({ slot, callbacks, alt }: { slot: SlotView; callbacks: ItemCallbacks; alt: string }) {
  const ref = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const img = ref.current;
    if (!img || slot.phase !== 'preload') return;
    let live = true;
    // decode() resolves once the image is fully decoded: only then may it replace what is on screen.
    // Chromium's decode() sometimes rejects an image that displays fine (EncodingError under load or
    // memory pressure): then the image is judged by its loading, and only a broken one is skipped.
    img
      .decode()
      .catch(() => loaded(img))
      .then(
        () => live && callbacks.onReady(slot.key),
        (error: unknown) => {
          console.warn(`[antichambre] ${slot.playlistId}/${slot.itemId}: image not decoded (${String(error)})`);
          if (live) callbacks.onFailed(slot.key);
        },
      );
    return () => {
      live = false;
    };
  }, [slot.key]);
  // Element timing: when the image on screen was painted, as the browser saw it (bench/startup.ts
  // reads the first; a static page showing the same image is timed the same way). Set once on
  // screen, not while prepared off screen (React's types do not know the attribute: spread).
  return <img ref={ref} className="media" src={slot.src} alt={alt} decoding="async" {...(slot.phase === 'preload' ? {} : { elementtiming: ITEM_TIMING })} />;
}

/**
 * Resolves once the image's bytes load with pixels; rejects when they are broken (not an image,
 * unreadable). Judged on an image of its own with the same source, not on the element's state:
 * an element the renderer reused may still report its previous, broken source as complete.
 */
function loaded(img: HTMLImageElement): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = new Image();
    probe.onload = () => (probe.naturalWidth > 0 ? resolve() : reject(new Error('not a readable image')));
    probe.onerror = () => reject(new Error('not a readable image'));
    probe.src = img.src;
  });
}

function VideoContent({ slot, callbacks }: { slot: SlotView; callbacks: ItemCallbacks }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [cue, setCue] = useState<string>('');
  const [captionLang, setCaptionLang] = useState<string | undefined>(slot.captions[0]?.lang);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const ready = () => callbacks.onReady(slot.key);
    const failed = () => callbacks.onFailed(slot.key);
    const ended = () => callbacks.onEnded(slot.key);
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) ready();
    video.addEventListener('loadeddata', ready);
    video.addEventListener('error', failed);
    video.addEventListener('ended', ended);
    return () => {
      video.removeEventListener('loadeddata', ready);
      video.removeEventListener('error', failed);
      video.removeEventListener('ended', ended);
    };
  }, [slot.key]);

  // Captions are drawn by the player, large and high-contrast, from the track's active cues.
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const track = video.textTracks[0];
    if (!track) return;
    track.mode = 'hidden';
    const update = () => {
      const active = track.activeCues;
      const texts: string[] = [];
      for (let i = 0; active && i < active.length; i++) {
        const c = active[i];
        if (c instanceof VTTCue) texts.push(c.text);
      }
      setCue(texts.join('\n'));
      setCaptionLang(track.language || undefined);
    };
    track.addEventListener('cuechange', update);
    return () => track.removeEventListener('cuechange', update);
  }, [slot.key]);

  useEffect(() => {
    const video = ref.current;
    if (!video || slot.phase !== 'current') return;
    video.play().catch(() => callbacks.onFailed(slot.key));
  }, [slot.phase, slot.key]);

  return (
    <>
      <video ref={ref} className="media" src={slot.src} muted playsInline preload="auto" disablePictureInPicture>
        {slot.captions.map((c, i) => (
          <track key={c.src} kind="captions" src={c.src} srcLang={c.lang} label={c.label ?? c.lang} default={i === 0} />
        ))}
      </video>
      {cue ? (
        <div className="captions" data-captions="" lang={captionLang}>
          {cue.split('\n').map((line, i) => (
            <span key={i}>{line}</span>
          ))}
        </div>
      ) : null}
    </>
  );
}
