// Where things are. The harness runs from out/test/support/*.mjs; the repository is three up.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Ignored folder for slow-to-build things kept between runs (Node 24, the VS Code server). */
export const CACHE = path.join(ROOT, '.vscode-test');
/** The extension as the integration tests run it (esbuild.mjs --tests): the product plus the tests' look inside. */
export const EXTENSION_UNDER_TEST = path.join(ROOT, 'out', 'extension');
