import * as assert from 'node:assert/strict';
import { launcherFor, type LauncherPlace } from '../../src/claudeCode/launcher';

/**
 * What cmd.exe makes of one line of a batch file before it runs it (its first phase, percent
 * expansion): `%%` is one `%`, `%*` the script's arguments, `%1`…`%9` one of them, `%NAME%` the
 * variable (nothing when it is not set), and a lone `%` vanishes.
 */
function cmdExpands(line: string, env: Record<string, string>, args: string[]): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const next = line[i + 1];
    if (next === '%') {
      out += '%';
      i++;
    } else if (next === '*') {
      out += args.join(' ');
      i++;
    } else if (next !== undefined && /[0-9]/.test(next)) {
      out += args[Number(next) - 1] ?? '';
      i++;
    } else {
      const end = line.indexOf('%', i + 1);
      if (end < 0) continue;
      out += env[line.slice(i + 1, end).toUpperCase()] ?? '';
      i = end;
    }
  }
  return out;
}

function windowsPlace(over: Partial<LauncherPlace> = {}): LauncherPlace {
  return {
    storageDir: 'C:\\Users\\100%USERNAME%\\AppData\\Roaming\\Code\\User\\globalStorage\\claude-bedrock.claude-bedrock',
    runtime: 'C:\\Users\\100%USERNAME%\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe',
    helper: 'C:\\Users\\100%USERNAME%\\.vscode\\extensions\\claude-bedrock-0.1.0\\dist\\helper.js',
    platform: 'win32',
    ...over,
  };
}

function commandLine(text: string): string {
  const line = text.split('\r\n').find((l) => l.includes('--storage'));
  assert.ok(line, text);
  return line;
}

describe('the Windows launcher (claude-code-helper.cmd)', () => {
  it("runs the helper at its real path when the user's folder name holds %", () => {
    const place = windowsPlace();
    const { text } = launcherFor(place);
    const ran = cmdExpands(commandLine(text), { USERNAME: 'mallory', PATH: 'C:\\Windows' }, ['export']);
    assert.equal(ran, `"${place.runtime}" "${place.helper}" --storage "${place.storageDir}" export`);
  });

  it('keeps a lone %, a %digit and cmd operators inside the quotes as they are', () => {
    const place = windowsPlace({
      storageDir: 'C:\\Users\\50% off & more ^ | <x>\\storage',
      runtime: 'C:\\Programs\\VS Code %1\\Code.exe',
      helper: 'C:\\ext\\%~dp0\\helper.js',
    });
    const ran = cmdExpands(commandLine(launcherFor(place).text), {}, ['export']);
    assert.equal(ran, `"${place.runtime}" "${place.helper}" --storage "${place.storageDir}" export`);
  });

  it('turns delayed expansion off before the command, so a ! in a path stays', () => {
    const lines = launcherFor(windowsPlace({ storageDir: 'C:\\Users\\bang!name!\\storage' })).text.split('\r\n');
    const off = lines.indexOf('setlocal DisableDelayedExpansion');
    assert.ok(off > 0 && off < lines.findIndex((l) => l.includes('--storage')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('"C:\\Users\\bang!name!\\storage"')));
  });

  it('quotes paths for a POSIX shell on Linux and macOS, % and all', () => {
    const { text } = launcherFor({ storageDir: "/home/o'brien/100%/storage", runtime: '/usr/bin/code', helper: '/ext/dist/helper.js', platform: 'linux' });
    assert.match(text, /--storage '\/home\/o'\\''brien\/100%\/storage' "\$@"/);
  });
});
