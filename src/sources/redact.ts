/** Credentials in URLs (rtsp://user:pass@camera/…) never reach a message, an event or the status line. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/gi; // to the last @ before the path: passwords may hold @

/** `text` with the user:password part of every URL in it replaced by "***". */
export function redact(text: string): string {
  return text.replace(USERINFO, '$1***@');
}
