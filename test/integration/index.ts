// Entry point VS Code calls in its extension host (extensionTestsPath): runs every *.test.js
// here with mocha, in name order (the secrets canary, 90-*, runs last on purpose).
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { format } from 'node:util';

/** The harness prints the extension host's console lines that carry this mark: mocha's report. */
export const REPORT_MARK = '[mocha]';

export function run(): Promise<void> {
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(REPORT_MARK, format(...args));
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  if (process.env.CB_TEST_GREP) mocha.grep(process.env.CB_TEST_GREP);
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve()));
  });
}
