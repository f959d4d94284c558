import { useState, type FormEvent } from 'react';
import { FeedCreate, FeedList, FeedRecord, type FeedKind } from '../../shared/feeds.js';
import { formatPath } from '../../shared/validationError.js';
import { ActionFailure, useAction } from '../components/ActionFailure.js';
import { DataTable } from '../components/DataTable.js';
import { Field, RadioField } from '../components/Field.js';
import { dateTime } from '../formatting.js';
import type { HubApi } from '../hubApi.js';
import { useStrings } from '../i18n.js';
import { useCan } from '../permissions.js';
import { usePoll } from '../usePoll.js';
import { failureText, schemaMessage, zodErrorsIn } from '../schemaMessages.js';

/** Subscribe a site to a CAP alert feed or a news feed (for a ticker zone), see each feed's last poll, poll now, remove. */
export function FeedsPage({ api }: { api: HubApi }) {
  const { t, lang, locale } = useStrings();
  const can = useCan();
  const feeds = usePoll(() => api.get('/api/feeds', FeedList), 5_000, [api]);
  const [kind, setKind] = useState<FeedKind>('cap');
  const [fields, setFields] = useState({ id: '', site: '', url: '', every: '5', zone: 'bandeau' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [note, setNote] = useState<string | null>(null);
  const set = (name: keyof typeof fields) => (value: string) => setFields((f) => ({ ...f, [name]: value }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setNote(null);
    const request = FeedCreate.safeParse({
      id: fields.id,
      kind,
      site: fields.site,
      url: fields.url,
      everyMinutes: Number(fields.every),
      ...(kind === 'news' ? { news: { zone: fields.zone } } : {}),
    }, zodErrorsIn(lang));
    if (!request.success) {
      const found: Record<string, string> = {};
      for (const issue of request.error.issues) found[formatPath(issue.path).split('.')[0]!] ??= schemaMessage(lang, issue.message);
      setErrors(found);
      return;
    }
    setErrors({});
    try {
      await api.send('POST', '/api/feeds', request.data, FeedRecord);
      const polled = await api.send('POST', `/api/feeds/${encodeURIComponent(request.data.id)}/poll`, undefined, FeedRecord);
      setNote(polled.state.lastError ? `${t.feedAdded} — ${polled.state.lastError}` : `${t.feedAdded} (${polled.state.active})`);
      setFields((f) => ({ ...f, id: '', url: '' }));
      feeds.refresh();
    } catch (failure) {
      setErrors({ id: failureText(lang, failure) });
    }
  };

  const { run, failure } = useAction();
  const act = (method: 'POST' | 'DELETE', feed: FeedRecord): Promise<void> =>
    run(async () => {
      await api.send(method, method === 'POST' ? `/api/feeds/${encodeURIComponent(feed.id)}/poll` : `/api/feeds/${encodeURIComponent(feed.id)}`, undefined, FeedRecord);
      feeds.refresh();
    });

  return (
    <>
      <h1>{t.feedsTitle}</h1>
      <section className="card" aria-labelledby="add-feed-title" hidden={!can('playlists.push')}>
        <h2 id="add-feed-title">{t.addFeed}</h2>
        <p className="help">{t.feedsHelp}</p>
        <form className="grid-form" onSubmit={(event) => void submit(event)} noValidate>
          <RadioField
            name="feed-kind"
            legend={t.feedKind}
            value={kind}
            choices={[
              { value: 'cap', label: t.feedKindCap },
              { value: 'news', label: t.feedKindNews },
            ]}
            onChange={setKind}
          />
          <Field id="feed-id" label={t.feedId} error={errors['id']}>
            {(props) => <input {...props} value={fields.id} onChange={(e) => set('id')(e.target.value)} />}
          </Field>
          <Field id="feed-site" label={t.site} error={errors['site']}>
            {(props) => <input {...props} value={fields.site} onChange={(e) => set('site')(e.target.value)} />}
          </Field>
          <Field id="feed-url" label={t.feedUrl} error={errors['url']}>
            {(props) => <input {...props} type="url" value={fields.url} onChange={(e) => set('url')(e.target.value)} />}
          </Field>
          <Field id="feed-every" label={t.feedEvery} error={errors['everyMinutes']}>
            {(props) => <input {...props} type="number" min={1} max={1440} value={fields.every} onChange={(e) => set('every')(e.target.value)} />}
          </Field>
          {kind === 'news' ? (
            <Field id="feed-zone" label={t.feedZone} error={errors['news']}>
              {(props) => <input {...props} value={fields.zone} onChange={(e) => set('zone')(e.target.value)} />}
            </Field>
          ) : null}
          <div className="actions">
            <button type="submit">{t.addFeed}</button>
          </div>
        </form>
        <p role="status" className="success">
          {note}
        </p>
      </section>

      <ActionFailure failure={failure} />
      <DataTable
        data-table="feeds"
        caption={t.feedsCaption}
        columns={[t.feedId, t.feedKind, t.site, t.feedUrl, t.feedActive, t.feedLastPoll, { hidden: t.feedActions }]}
        empty={(feeds.data?.feeds ?? []).length === 0 ? (feeds.data ? t.noFeeds : (feeds.error ?? t.loading)) : null}
      >
        {(feeds.data?.feeds ?? []).map((feed) => (
          <tr key={feed.id} data-feed-row={feed.id} data-feed-error={feed.state.lastError ? '' : undefined}>
            <th scope="row">{feed.id}</th>
            <td>{feed.kind === 'cap' ? t.feedKindCap : `${t.feedKindNews} (${feed.news?.zone ?? ''})`}</td>
            <td>{feed.site}</td>
            <td className="small">{feed.url}</td>
            <td data-feed-active={feed.state.active}>{feed.state.active}</td>
            <td>
              {feed.state.lastPollAt ? dateTime(feed.state.lastPollAt, locale) : '–'}
              {feed.state.lastError ? <div className="error small">{feed.state.lastError}</div> : null}
            </td>
            <td>
              <div className="buttons" hidden={!can('playlists.push')}>
                <button type="button" className="secondary" onClick={() => void act('POST', feed)} aria-label={`${t.feedPoll} : ${feed.id}`}>
                  {t.feedPoll}
                </button>
                <button type="button" className="secondary" onClick={() => void act('DELETE', feed)} aria-label={`${t.feedRemove} : ${feed.id}`}>
                  {t.feedRemove}
                </button>
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
