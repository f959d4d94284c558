import type { AlertRecord } from '../../shared/adminApi.js';
import type { Alert } from '../../shared/protocol.js';

/** What a screen is sent (protocol §3 `alert`) for a stored alert. */
export function toAlert(record: Pick<AlertRecord, 'id' | 'level' | 'text' | 'until'>): Alert {
  return { id: record.id, level: record.level, text: record.text, until: record.until };
}
