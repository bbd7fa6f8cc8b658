/**
 * The Content-Security-Policy of the UI, in the desktop window and in web mode.
 * Starts from nothing. Monaco injects <style> elements at run time, so styles
 * need 'unsafe-inline'; its editor worker is a bundled module file ('self'),
 * and Vite may hand it over as a blob: URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
