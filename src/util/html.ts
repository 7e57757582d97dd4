// Text into HTML, for the pages the extension renders (the browser's sign-in page, webviews).
// The escaping itself lives with the other kinds of escaping, in text.ts.
export { escapeHtml } from './text';
