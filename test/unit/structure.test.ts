// The shape of src/: nothing below imports what is above it, no import cycles (type-only
// imports count too), and no file so long a reader loses its thread.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '../../../src');

/** Each folder's level: a module imports only from its own level or below. */
const LEVELS: Record<string, number> = {
  util: 0,
  config: 1,
  errors: 2,
  log: 2,
  aws: 2,
  windows: 2,
  idp: 3,
  browser: 3,
  quota: 3,
  auth: 4,
  models: 5,
  usage: 5,
  terminal: 5,
  claudeCode: 5,
  ui: 6,
  diagnose: 6,
  commands: 7,
  bundles: 7,
  main: 7,
  extension: 8,
  helper: 8,
};

function sources(): string[] {
  return (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'));
}

function levelOf(file: string): number {
  const top = file.split('/')[0].replace(/\.ts$/, '');
  const level = LEVELS[top];
  assert.notEqual(level, undefined, `${file}: its folder needs a level in this test`);
  return level;
}

/** Every module a file imports (values and types), as paths under src/. */
function imports(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1] ?? m[2]));
    found.push(target.endsWith('.json') ? target : `${target}.ts`);
  }
  return found;
}

describe('the shape of the source', () => {
  const files = sources();
  const graph = new Map(files.map((f) => [f, imports(f).filter((t) => t.endsWith('.ts'))]));

  it('imports only downward: each folder from its own level or below', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) if (levelOf(target) > levelOf(file)) upward.push(`${file} -> ${target}`);
    }
    assert.deepEqual(upward, []);
  });

  it('has no import cycles, type-only imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    assert.deepEqual(cycles, []);
  });

  /**
   * Tables read best whole: splitting the settings or the error table in two served only the
   * limit, so these two may be longer. Every other file stays under it.
   */
  const TABLES = new Set(['config/settings.ts', 'errors/explain.ts']);

  it('keeps every file under 300 lines, but the two tables', () => {
    const long = files.filter((f) => !TABLES.has(f)).map((f) => [f, readFileSync(path.join(SRC, f), 'utf8').split('\n').length] as const).filter(([, lines]) => lines >= 300);
    assert.deepEqual(long, []);
  });

  it('lets only main.ts know where the heavy bundles come from', () => {
    const loaders = files.filter((f) => graph.get(f)?.includes('bundles.ts'));
    assert.deepEqual(loaders, ['main.ts']);
  });
});
