import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { MediaFactsList, PushResult, ScreenList, ScreenSet, type MediaStored } from '../../shared/adminApi.js';
import type { Layout } from '../../shared/layout.js';
import { LAYOUT_PRESETS } from '../../shared/layoutPresets.js';
import type { Playlist } from '../../shared/playlist.js';
import { lintForScreens } from '../../shared/contentLint.js';
import { DayTimeline } from '../components/DayTimeline.js';
import { RadioField, SelectField } from '../components/Field.js';
import { IssueList } from '../components/IssueList.js';
import { LintPanel } from '../components/LintPanel.js';
import { LayoutPicker } from '../components/LayoutPicker.js';
import { LoopPlanning } from '../components/LoopPlanning.js';
import { PlacedPlaylists, SCREENS_READ } from '../components/PlacedPlaylists.js';
import { PlaylistForm, type UndoEntry } from '../components/PlaylistForm.js';
import { QrPreview } from '../components/QrPreview.js';
import { chosenTarget, TargetPicker, type TargetChoice } from '../components/TargetPicker.js';
import { localDay } from '../calendarDay.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { fieldsOf, readLayout, type LayoutChoice } from '../layoutDraft.js';
import { readDraft } from '../playlistDraft.js';
import { appendAt, fieldIdOf, freshId, isRaw, rawSetOf, setAt, textOf, valueAt } from '../playlistForm.js';
import { usePoll } from '../usePoll.js';
import { serviceNamesOf } from '../serviceNames.js';
import { failureText } from '../schemaMessages.js';
import { fileSize, isLoopbackHost } from '../formatting.js';

/**
 * Edit or load playlists (checked as you type, QR codes previewed), pick or edit their layout, upload
 * media, preview a screen's day zone by zone with its loop against the site's real waits, push.
 */

const STARTER = JSON.stringify(
  { id: 'accueil', name: 'Accueil', priority: 0, items: [{ id: 'bienvenue', type: 'text', duration: 8, title: 'Bienvenue à la mairie' }] },
  null,
  2,
);

/** What an uploaded file becomes in the draft: an image or video item, or a caption track of a video (WebVTT). */
function mediaType(file: File): 'image' | 'video' | 'captions' {
  if (file.type === 'text/vtt' || /\.vtt$/i.test(file.name)) return 'captions';
  return file.type.startsWith('video/') ? 'video' : 'image';
}

/** A caption file's language from its name (`affiche.fr.vtt`, `clip-en.vtt`); French when it says none. */
function captionLang(name: string): string {
  return /[._-]([a-z]{2})\.vtt$/i.exec(name)?.[1]?.toLowerCase() ?? 'fr';
}

/** How the editor is shown: the form (the default), or the JSON text; the choice is kept in this browser. */
type EditorView = 'form' | 'json';
const EDITOR_VIEW_KEY = 'antichambre.playlistEditor';

/**
 * The draft is kept in this browser as it is typed, one per user: a reload, a visit to another page,
 * signing out and in again lose nothing, and the next person at a shared PC starts from their own.
 */
function draftKey(userId: string): string {
  return `antichambre.playlistDraft.${userId}`;
}

function savedDraft(userId: string): string {
  try {
    return localStorage.getItem(draftKey(userId)) ?? STARTER;
  } catch {
    return STARTER;
  }
}

function savedView(): EditorView {
  try {
    return localStorage.getItem(EDITOR_VIEW_KEY) === 'json' ? 'json' : 'form';
  } catch {
    return 'form';
  }
}

/** `userId`: whose draft this is (kept per user in this browser). */
export function PlaylistsPage({ api, userId }: { api: HubApi; userId: string }) {
  const { t, lang, locale } = useStrings();
  const screens = usePoll(() => api.get('/api/screens', ScreenList), null, [api]);
  const screenList = screens.data?.screens ?? [];
  const [text, setTextNow] = useState(() => savedDraft(userId));
  /**
   * What can be taken back, the latest last (at most 10): the form's removals (an item, a playlist,
   * put back where they were into the draft as it is then, what was typed since kept) and a whole
   * draft replaced (by the sample, a file, the screen's set).
   */
  const [undos, setUndos] = useState<readonly UndoEntry[]>([]);
  /** The form's changes: a removal can be taken back. */
  const formChange = (next: string, undo?: UndoEntry): void => {
    if (undo) setUndos((entries) => [...entries.slice(-9), undo]);
    setTextNow(next);
  };
  /** A change made outside the form (the JSON text, a media file added): the form's removals can no longer be put back into it safely. */
  const setText = (next: string): void => {
    setUndos([]);
    setTextNow(next);
  };
  /** The whole draft replaced: the draft before it can be had back. */
  const replaceText = (next: string, said: string): void => {
    const previous = text;
    setUndos([{ said, restore: () => setTextNow(previous) }]);
    setTextNow(next);
  };
  const undoLast = (): void => {
    const last = undos.at(-1);
    if (!last) return;
    setUndos(undos.slice(0, -1));
    last.restore();
  };
  // Each new removal puts the focus on "Undo" (Enter twice on "Remove" loses nothing), even with the bar already shown.
  const undoButton = useRef<HTMLButtonElement>(null);
  const undoCount = useRef(0);
  useEffect(() => {
    if (undos.length > undoCount.current) undoButton.current?.focus();
    undoCount.current = undos.length;
  }, [undos.length]);
  useEffect(() => {
    // At each change, so that leaving the page at once loses nothing: 2,000 text items (440,000 characters) took a median 4 ms
    // to write in Chromium here (21 writes, the slowest 25 ms).
    try {
      if (text === STARTER) localStorage.removeItem(draftKey(userId));
      else localStorage.setItem(draftKey(userId), text);
    } catch {
      // Storage refused or full: the draft lives as long as the page.
    }
  }, [text, userId]);
  // Read against the schema (and linted, planned, previewed) a beat behind the typing, so that a long set stays responsive as it is typed.
  const checkedText = useDeferredValue(text);
  const draft = useMemo(() => readDraft(checkedText, lang), [checkedText, lang]);
  const checking = checkedText !== text;
  const [view, setView] = useState<EditorView>(savedView);
  const chooseView = (next: EditorView): void => {
    setView(next);
    try {
      localStorage.setItem(EDITOR_VIEW_KEY, next);
    } catch {
      // Storage refused (private window): the choice lasts for this page.
    }
  };
  const [target, setTarget] = useState<TargetChoice>({ kind: 'screen', id: '' });
  // As the CLI's (`--replace`): a push adds to what the target plays unless asked to replace it.
  const [replace, setReplace] = useState(false);
  const [pushNote, setPushNote] = useState<{ ok: boolean; text: string } | null>(null);
  /** Pushes made from this page: the day's preview of what is in place reads it again after each. */
  const [pushes, setPushes] = useState(0);
  const [media, setMedia] = useState<{ file: File; stored: MediaStored } | null>(null);
  const [layoutChoice, setLayoutChoice] = useState<LayoutChoice>({ mode: 'keep' });
  const [services, setServices] = useState('');
  const layoutReading = useMemo(() => (layoutChoice.mode === 'edit' ? readLayout(layoutChoice.fields, draft.ok ? draft.playlists : null, lang) : null), [layoutChoice, draft, lang]);
  const layoutReady = layoutReading === null || layoutReading.ok;
  /** What the push sends as `layout`: absent (keep), null (remove) or the layout edited. */
  const layoutToPush: Layout | null | undefined = layoutChoice.mode === 'none' ? null : layoutReading?.ok ? layoutReading.layout : undefined;
  const [mediaNote, setMediaNote] = useState<{ ok: boolean; text: string } | null>(null);
  // The lint: character height for each target screen whose size is set; audio tracks as the hub read them from its files.
  const targetScreens = useMemo(() => screenList.filter((s) => (target.kind === 'screen' ? s.id === (target.id || screenList[0]?.id) : s.site === (target.id || screenList[0]?.site))), [screenList, target]);
  /**
   * The screens' sets the page reads, once (again after each push): the push target's screens (their
   * layouts for the lint and the preview, their site's service names) and the first ones of the hub
   * for the list of playlists in place.
   */
  const readIds = useMemo(() => [...new Set([...targetScreens.map((screen) => screen.id), ...screenList.slice(0, SCREENS_READ).map((screen) => screen.id)])], [targetScreens, screenList]);
  const screenSets = usePoll(() => Promise.all(readIds.map(async (id) => ({ id, set: await api.get(`/api/screens/${encodeURIComponent(id)}/playlists`, ScreenSet).catch(() => null) }))), null, [api, readIds.join(' '), pushes]);
  const setsById = useMemo(() => new Map((screenSets.data ?? []).map((entry) => [entry.id, entry.set])), [screenSets.data]);
  /** The first screens' sets, for the list of playlists in place (kept between renders: the list is worked out again only when they change). */
  const placedSets = useMemo(() => screenSets.data?.filter((entry) => screenList.slice(0, SCREENS_READ).some((screen) => screen.id === entry.id)) ?? null, [screenSets.data, screenList]);
  /** Where the form previews a message: in the layout the push sets, else the first target screen's; at that screen's size. */
  const previewTarget = targetScreens[0] ?? null;
  const previewLayout = layoutToPush !== undefined ? layoutToPush : ((previewTarget && setsById.get(previewTarget.id)?.layout) ?? null);
  const preview = useMemo(
    () => ({ layout: previewLayout, widthPx: previewTarget?.viewing?.widthPx ?? 1920, heightPx: previewTarget?.viewing?.heightPx ?? 1080 }),
    [previewLayout, previewTarget?.viewing?.widthPx, previewTarget?.viewing?.heightPx],
  );
  /** The services the push target's site names in its screens' layouts (those read), offered in the form's service fields. */
  const knownServices = useMemo(() => serviceNamesOf(screenList.filter((screen) => screen.site === previewTarget?.site).map((screen) => setsById.get(screen.id))), [screenList, previewTarget?.site, setsById]);
  /** Target screens the hub sends nothing yet: they play the bundle shipped with the player. */
  const bundledOnly = targetScreens.filter((screen) => screen.revision === null);
  const videoShas = useMemo(() => (draft.ok ? [...new Set(draft.playlists.flatMap((p) => p.items.flatMap((i) => (i.type === 'video' ? [i.sha256.toLowerCase()] : []))))].sort() : []), [draft]);
  const viewed = useMemo(() => targetScreens.filter((s) => s.viewing).map((s) => s.id), [targetScreens]);

  const mediaFacts = usePoll(async () => (videoShas.length ? await api.send('POST', '/api/media/facts', { sha256: videoShas }, MediaFactsList) : { facts: {} }), null, [api, videoShas.join(',')]);
  const findings = useMemo(() => {
    if (!draft.ok) return [];
    const facts = mediaFacts.data?.facts ?? {};
    const media = (sha256: string) => (facts[sha256]?.audio == null ? undefined : { audio: facts[sha256]!.audio! });
    // Each screen in its own zones unless the push sets the layout (or removes it: full screen).
    const own = new Map(viewed.map((id) => [id, setsById.get(id)?.layout ?? null]));
    const screens = targetScreens.map((s) => ({ id: s.id, viewing: s.viewing, layout: layoutToPush === undefined ? (own.get(s.id) ?? null) : null }));
    return lintForScreens(draft.playlists, { single: draft.single, layout: layoutToPush ?? null, media }, screens);
  }, [draft, layoutToPush, targetScreens, mediaFacts.data, viewed, setsById]);
  const lintErrors = findings.some((f) => f.severity === 'error');

  const loadFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    const text = await file.text();
    // Laid out one field a line, so that the errors' paths are easy to find; left as it is when it is not JSON.
    try {
      replaceText(JSON.stringify(JSON.parse(text), null, 2), t.undoFile);
    } catch {
      replaceText(text, t.undoFile);
    }
  };

  const uploadMedia = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setMediaNote({ ok: true, text: t.uploading });
    try {
      const stored = await api.upload(file);
      setMedia({ file, stored });
      // Its address is this page's: one other computers cannot reach is said now, before a screen fails to load it.
      const uploaded = `${t.mediaUploaded}${t.colon}${file.name} (${fileSize(stored.bytes, locale)})`;
      setMediaNote({ ok: true, text: isLoopbackHost(window.location.hostname) ? `${uploaded}. ${t.mediaLoopback(window.location.host)}` : uploaded });
    } catch (failure) {
      setMedia(null);
      setMediaNote({ ok: false, text: failureText(lang, failure) });
    }
  };

  /** Which playlist an uploaded file goes to (the first unless another is picked). */
  const [mediaPlaylist, setMediaPlaylist] = useState(0);
  // Read only while an uploaded file waits to be added (not at each keystroke of a long set).
  const rawSet = useMemo(() => (media ? rawSetOf(text) : null), [media, text]);
  const playlistNames = rawSet?.playlists.map((p, i) => (typeof p['name'] === 'string' && p['name'] ? p['name'] : String(p['id'] ?? i + 1))) ?? [];
  const mediaTo = Math.min(mediaPlaylist, Math.max(0, playlistNames.length - 1));

  /** The uploaded file added to the draft as it is written (fields the schema does not know are kept): an item, or a video's captions. */
  const addMediaItem = (): void => {
    if (!media || !rawSet || rawSet.playlists.length === 0) return;
    const file = { src: new URL(media.stored.url, window.location.href).href, sha256: media.stored.sha256, bytes: media.stored.bytes };
    const items = valueAt(rawSet.playlists, [mediaTo, 'items']);
    const list = Array.isArray(items) ? items : [];
    if (mediaType(media.file) === 'captions') {
      // A caption track goes with the playlist's last video.
      const at = list.findLastIndex((item) => isRaw(item) && item['type'] === 'video');
      if (at < 0) {
        setMediaNote({ ok: false, text: t.captionsNeedVideo(playlistNames[mediaTo] ?? '') });
        return;
      }
      const lang = captionLang(media.file.name);
      const captions = valueAt(list[at], ['captions']);
      const kept = (Array.isArray(captions) ? captions : []).filter((c) => !(isRaw(c) && c['lang'] === lang));
      setText(textOf(setAt(rawSet, [mediaTo, 'items', at, 'captions'], [...kept, { lang, ...file }])));
      return;
    }
    const id = freshId(media.file.name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60) || 'media', list.map((item) => valueAt(item, ['id'])), true);
    const item = mediaType(media.file) === 'image' ? { id, type: 'image', duration: 10, ...file } : { id, type: 'video', ...file };
    setText(textOf(appendAt(rawSet, [mediaTo, 'items'], item)));
  };

  /** Focuses the form's field for an issue's path, or the nearest one above it (an image's sha256: its item's first field). */
  const focusField = (path: string): void => {
    for (let at = path; ; ) {
      const field = document.getElementById(fieldIdOf(at)) ?? document.querySelector<HTMLElement>(`[data-other-issues="${CSS.escape(at)}"]`)?.closest('fieldset')?.querySelector<HTMLElement>('input, textarea');
      if (field) {
        // A field in a closed section (a QR code, conditions) is opened to it.
        for (let section = field.closest('details'); section; section = section.parentElement?.closest('details') ?? null) section.open = true;
        field.focus();
        field.scrollIntoView({ block: 'center' });
        return;
      }
      const parent = at.replace(/(?:\.[^.[\]]+|\[\d+\])$/, '');
      if (parent === at || parent === '') return;
      at = parent;
    }
  };

  const push = async (): Promise<void> => {
    const chosen = chosenTarget(target, screenList);
    if (!draft.ok || !chosen) return;
    setPushNote(null);
    try {
      const body = { playlists: draft.playlists, target: chosen, replace, ...(layoutToPush === undefined ? {} : { layout: layoutToPush }) };
      const result = await api.send('POST', '/api/playlists', body, PushResult);
      // Each screen by its name, its id and the revision the screens table shows it acking.
      const named = result.screens.map((s) => {
        const name = screenList.find((known) => known.id === s.id)?.name ?? s.id;
        const details = [name === s.id ? null : s.id, s.revision ? `${t.revisionWord} ${s.revision.slice(0, 8)}` : null].filter((part) => part !== null);
        return details.length ? `${name} (${details.join(', ')})` : name;
      });
      setPushNote({ ok: true, text: t.pushedTo(named.join(', ')) });
      setPushes((n) => n + 1);
      screens.refresh();
    } catch (failure) {
      setPushNote({ ok: false, text: failureText(lang, failure) });
    }
  };

  const loadCurrent = async (): Promise<void> => {
    const chosen = chosenTarget({ kind: 'screen', id: target.kind === 'screen' ? target.id : '' }, screenList);
    if (!chosen || !('screen' in chosen)) return;
    setPushNote(null);
    let set: ScreenSet;
    try {
      set = await api.get(`/api/screens/${encodeURIComponent(chosen.screen)}/playlists`, ScreenSet);
    } catch (failure) {
      setPushNote({ ok: false, text: failureText(lang, failure) });
      return;
    }
    if (set.playlists.length > 0) replaceText(JSON.stringify(set.playlists.length === 1 ? set.playlists[0] : set.playlists, null, 2), t.undoLoaded);
    if (set.layout) {
      const orientation = LAYOUT_PRESETS.find((preset) => preset.id === set.layout!.id)?.orientation ?? 'landscape';
      setLayoutChoice({ mode: 'edit', fields: fieldsOf(set.layout), orientation, preset: null });
    } else setLayoutChoice({ mode: 'keep' });
  };

  return (
    <>
      <h1>{t.playlistsTitle}</h1>
      <div className="split wide-left">
        <section className="card" aria-labelledby="editor-title">
          <h2 id="editor-title">{t.editorTitle}</h2>
          <div className="field">
            <label htmlFor="playlist-file">{t.playlistFile}</label>
            <input id="playlist-file" type="file" accept="application/json,.json" onChange={(e) => void loadFile(e.target.files?.[0])} aria-describedby="playlist-json-error" />
          </div>
          <div className="buttons">
            <button type="button" className="secondary" disabled={text === STARTER} onClick={() => replaceText(STARTER, t.undoStartOver)}>
              {t.startOver}
            </button>
          </div>
          <p className="help">{t.draftKept}</p>
          <RadioField
            name="playlist-view"
            legend={t.editorView}
            value={view}
            choices={[
              { value: 'form', label: t.editorViewForm },
              { value: 'json', label: t.editorViewJson },
            ]}
            onChange={chooseView}
          />
          {view === 'form' ? <PlaylistForm text={text} issues={draft.ok ? [] : draft.issues} findings={findings} onText={formChange} services={knownServices} preview={preview} /> : null}
          {undos.length > 0 ? (
            <div className="undo-bar" data-undo="">
              <span role="status">{undos.at(-1)!.said}</span>
              <button type="button" className="secondary" ref={undoButton} onClick={undoLast}>
                {t.undo}
              </button>
            </div>
          ) : null}
          <div className="field" hidden={view !== 'json'}>
            <label htmlFor="playlist-json">{t.playlistJson}</label>
            <textarea
              id="playlist-json"
              className="code"
              rows={18}
              spellCheck={false}
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-invalid={draft.ok ? undefined : true}
              aria-describedby="playlist-json-error"
            />
          </div>
          {/* The schema's verdict, under either view: the form also shows each error at its field. */}
          <div className="field">
            <div id="playlist-json-error" aria-live="polite">
              {draft.ok ? (
                <p className="success" data-draft="valid">
                  ✓ {t.playlistValid} ({draft.playlists.length === 0 ? t.noPlaylists : draft.playlists.map((p) => `${p.id}${t.colon}${p.items.length}`).join(', ')})
                </p>
              ) : (
                <div className="error" data-draft="invalid">
                  <p>
                    {draft.issues.length} {t.playlistErrors}
                  </p>
                  {/* In the form, a click on a path leads to its field (or the nearest one the form has for it). */}
                  <IssueList issues={draft.issues} onPath={view === 'form' ? focusField : undefined} />
                </div>
              )}
            </div>
          </div>
        </section>
        <div>
          <section className="card" aria-labelledby="push-title">
            <h2 id="push-title">{t.pushTitle}</h2>
            <TargetPicker idPrefix="push" screens={screenList} value={target} onChange={setTarget} />
            <label className="choice">
              <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> {t.replace}
            </label>
            {/* Screens with nothing from the hub play the player's bundle, which a push replaces whole (its layout too). */}
            {bundledOnly.length > 0 && layoutChoice.mode !== 'edit' ? (
              <p className="help warning" data-push-replaces-bundle="">
                {t.pushReplacesBundle(bundledOnly.map((screen) => screen.name).join(', '))}
              </p>
            ) : null}
            <div className="buttons">
              <button type="button" disabled={checking || !draft.ok || draft.playlists.length === 0 || !layoutReady || lintErrors} onClick={() => void push()}>
                {t.push}
              </button>
              <button type="button" className="secondary" disabled={target.kind !== 'screen' || screenList.length === 0} onClick={() => void loadCurrent()}>
                {t.loadCurrent}
              </button>
            </div>
            {/* Why the push is not offered, beside the button rather than only at the bottom of the editor. */}
            <p className="help warning" data-push-blocked="">
              {!draft.ok ? t.fixBeforePush(draft.issues.length) : draft.playlists.length === 0 ? t.pushNeedsPlaylist : lintErrors ? t.fixLintBeforePush : !layoutReady ? t.fixLayoutBeforePush : null}
            </p>
            <p role="status" className={pushNote?.ok ? 'success' : 'error'} data-push-result>
              {pushNote?.text}
            </p>
          </section>
          <section className="card" aria-labelledby="media-title">
            <h2 id="media-title">{t.mediaTitle}</h2>
            <div className="field">
              <label htmlFor="media-file">{t.mediaFile}</label>
              <input id="media-file" type="file" accept="image/*,video/*,text/vtt" onChange={(e) => void uploadMedia(e.target.files?.[0])} aria-describedby="media-file-note" />
              <p id="media-file-note" role="status" className={mediaNote?.ok ? 'help' : 'error'}>
                {mediaNote?.text}
              </p>
            </div>
            {media && playlistNames.length > 1 ? (
              <SelectField id="media-playlist" label={t.mediaPlaylist} value={String(mediaTo)} choices={playlistNames.map((name, i) => ({ value: String(i), label: name }))} onChange={(value) => setMediaPlaylist(Number(value))} />
            ) : null}
            {media ? (
              <button type="button" className="secondary" disabled={!rawSet} onClick={addMediaItem}>
                {mediaType(media.file) === 'captions' ? t.addAsCaptions(playlistNames[mediaTo] ?? '') : t.addAsItem(playlistNames[mediaTo] ?? '')}
              </button>
            ) : null}
          </section>
        </div>
      </div>
      {draft.ok ? <QrPreview playlists={draft.playlists} /> : null}
      {draft.ok ? <LintPanel playlists={draft.playlists} findings={findings} single={draft.single} /> : null}
      <PlacedPlaylists
        sets={placedSets}
        screens={screenList}
        onEdit={(playlist) => {
          replaceText(JSON.stringify(playlist, null, 2), t.undoPlaced(playlist.name ?? playlist.id));
          // Back up to the editor, where it now is.
          document.getElementById('editor-title')?.scrollIntoView({ block: 'start' });
        }}
      />
      <LayoutPicker value={layoutChoice} onChange={setLayoutChoice} reading={layoutReading} services={services} onServices={setServices} />
      <TimelineSection api={api} screens={screenList} pushes={pushes} draft={draft.ok ? draft.playlists : null} draftLayout={layoutChoice.mode === 'none' ? null : layoutReading?.ok ? layoutReading.layout : undefined} />
    </>
  );
}

/** `draftLayout`: the layout picked (null: none; undefined: kept, so the screen's own is shown). */
function TimelineSection({ api, screens, pushes, draft, draftLayout }: { api: HubApi; screens: ScreenList['screens']; pushes: number; draft: Playlist[] | null; draftLayout: Layout | null | undefined }) {
  const { t } = useStrings();
  const [screenId, setScreenId] = useState('');
  const [day, setDay] = useState(() => localDay(0));
  const [source, setSource] = useState<'current' | 'draft'>('current');
  const id = screenId || screens[0]?.id || '';
  const current = usePoll(async () => (id ? api.get(`/api/screens/${encodeURIComponent(id)}/playlists`, ScreenSet) : null), null, [api, id, pushes]);
  const timezone = screens.find((s) => s.id === id)?.timezone ?? 'Europe/Paris';
  const playlists = source === 'draft' ? draft : (current.data?.playlists ?? null);
  const layout = source === 'draft' && draftLayout !== undefined ? draftLayout : (current.data?.layout ?? null);
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t.timelineTitle}</h2>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
        <SelectField id="timeline-screen" label={t.targetScreen} value={id} choices={screens.map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))} onChange={setScreenId} />
        <div className="field">
          <label htmlFor="timeline-day">{t.timelineDay}</label>
          <input id="timeline-day" type="date" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
        </div>
        <SelectField
          id="timeline-source"
          label={t.timelineSource}
          value={source}
          choices={[
            { value: 'current', label: t.sourceCurrent },
            { value: 'draft', label: t.sourceDraft },
          ]}
          onChange={setSource}
        />
      </form>
      {source === 'current' && current.data?.playlists.length === 0 ? (
        <p className="help" data-timeline-bundled="">
          {t.timelineBundled}
        </p>
      ) : null}
      {playlists ? <DayTimeline playlists={playlists} day={day} timezone={timezone} layout={layout} /> : <p>{current.error ?? t.loading}</p>}
      {playlists ? <LoopPlanning api={api} site={screens.find((s) => s.id === id)?.site ?? null} playlists={playlists} layout={layout} day={day} timezone={timezone} /> : null}
    </section>
  );
}
