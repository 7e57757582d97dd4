// The document every webview page of the extension is, and its Content-Security-Policy, written
// here alone: nothing loads but the page's own files (and data: pictures where it draws them),
// and no script or inline style runs but the one this render's nonce names. A page is one of two
// kinds: scripted (its stylesheet and one script from media/, its messages checked by the panel,
// panel.ts) or command links (no script, no file: its own rules inline, by nonce). Pure.
import { escapeHtml } from '../util/text';

/** What the panel gives every page: the webview's source for the page's own files, and this render's nonce. */
export interface PageSource {
  readonly cspSource: string;
  readonly nonce: string;
}

/** What the panel gives a scripted page: also where its script and stylesheet in media/ are. */
export interface WebviewFiles extends PageSource {
  readonly scriptUri: string;
  readonly styleUri: string;
}

export interface Page {
  readonly title: string;
  readonly body: string;
  /** Its stylesheet from media/, or, on a page that loads no file, its own rules. */
  readonly style: { readonly href: string } | { readonly rules: string };
  /** Its one script, from media/; a page of command links runs none. */
  readonly script?: string;
  /** Whether it may show pictures from its own files and data: URIs, and use fonts from its files. */
  readonly images?: boolean;
  readonly fonts?: boolean;
}

/** Everything denied but what the page says it needs; a script or inline style only by nonce. */
export function contentSecurityPolicy(source: PageSource, page: Page): string {
  const style = 'rules' in page.style ? `${source.cspSource} 'nonce-${source.nonce}'` : source.cspSource;
  return [
    "default-src 'none'",
    page.images ? `img-src ${source.cspSource} data:` : '',
    `style-src ${style}`,
    page.script === undefined ? '' : `script-src 'nonce-${source.nonce}'`,
    page.fonts ? `font-src ${source.cspSource}` : '',
  ]
    .filter(Boolean)
    .map((directive) => `${directive};`)
    .join(' ');
}

function styleTag(source: PageSource, style: Page['style']): string {
  return 'rules' in style ? `<style nonce="${source.nonce}">\n${style.rules}\n</style>` : `<link rel="stylesheet" href="${escapeHtml(style.href)}">`;
}

export function webviewPage(source: PageSource, page: Page): string {
  const script = page.script === undefined ? '' : `\n<script nonce="${source.nonce}" src="${escapeHtml(page.script)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(source, page)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${styleTag(source, page.style)}
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}${script}
</body>
</html>`;
}
