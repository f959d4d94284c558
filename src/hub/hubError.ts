/** An error the admin API answers with its HTTP status and a message naming what is wrong. */
export class HubError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429 | 502 | 503 | 504,
    message: string,
  ) {
    super(message);
  }
}
