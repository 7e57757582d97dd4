// The page the browser shows when the IdP sends it back: media/callback.html, filled in.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { escapeHtml } from '../util/html';
import type { PageContent, RenderPage } from './loopback';

export function fillPage(template: string, page: PageContent): string {
  const values: Record<string, string> = {
    status: page.ok ? 'ok' : 'fail',
    mark: page.ok ? '&#10003;' : '&#10007;',
    title: escapeHtml(page.title),
    message: escapeHtml(page.message),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

/** Reads the template from the extension's media folder once, at the start of a sign-in. */
export function pageRenderer(mediaDir: string): RenderPage {
  const template = readFileSync(path.join(mediaDir, 'callback.html'), 'utf8');
  return (page) => fillPage(template, page);
}
