// A browser without a window, for test runs where VS Code opens the system browser (desktop
// VS Code through @vscode/test-electron): VS Code runs `$BROWSER <url>`, and this follows the
// redirects with a cookie jar, as a browser would, until the IdP sends it to the loopback
// callback, which it requests. The IdP decides who logs in (see idp.ts, queued decisions).
const MAX_REDIRECTS = 20;

export async function browse(start: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const target = new URL(url);
    const cookies = target.host === new URL(start).host ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
    const res = await fetch(url, { redirect: 'manual', headers: cookies ? { cookie: cookies } : {} });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location || res.status < 300 || res.status >= 400) return `${res.status} ${url}`;
    url = new URL(location, url).href;
  }
  throw new Error(`more than ${MAX_REDIRECTS} redirects from ${start}`);
}

if (process.argv[1]?.endsWith("robotBrowser.mjs") && process.argv[2]) {
  browse(process.argv[2]).then(
    (last) => process.stdout.write(`${last}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
