// The document every scripted webview of the extension is: its Content-Security-Policy, the
// stylesheet and the one script (allowed by nonce) from media/, around the page's own body. Pure.
import { escapeHtml } from '../util/text';

/** What the webview panel gives a page: where its files are, and this render's nonce. */
export interface WebviewFiles {
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

export function scriptedPage(files: WebviewFiles, page: { readonly title: string; readonly csp: string; readonly body: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${page.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(files.styleUri)}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}
<script nonce="${files.nonce}" src="${escapeHtml(files.scriptUri)}"></script>
</body>
</html>`;
}
