/**
 * The Content-Security-Policy of every page the custom protocol serves: scripts only from
 * the app itself (and WebAssembly for hashing), media from the app, from its file store
 * (app://media) and from blobs read out of IndexedDB, network to the hub and media servers, nothing framed, no plugins.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' app://media blob: data:",
  "media-src 'self' app://media blob:",
  "font-src 'self' data:",
  'connect-src \'self\' http: https: ws: wss:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'self' blob:",
].join('; ');
