// What the tests of the windows' channel share: buses in a temporary storage folder, other
// windows as processes of their own, and waiting with deadlines.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WindowBus, type BusOptions } from '../../src/windows/bus';
import { helloProof } from '../../src/windows/wire';

/** A hello whose proof holds: what a process that has read the hub's key can say. */
export function provenHello(key: string, address: string, role: string, nonce = `n${Math.random().toString(36).slice(2)}${Date.now()}`): string {
  return JSON.stringify({ t: 'hello', nonce, proof: helloProof(key, address, nonce), role });
}

export async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A storage folder of its own per test, and every bus and process the test opened, closed after it. */
export function windowsWorld() {
  const opened: WindowBus[] = [];
  const processes: ChildProcess[] = [];
  let root = '';
  const world = {
    /** The storage folder the windows share (a test may move it deeper, below the same root). */
    dir: '',
    async open(options: Partial<BusOptions> = {}): Promise<WindowBus> {
      const bus = await WindowBus.open({ storageDir: world.dir, reclaimMs: 50, ...options });
      opened.push(bus);
      return bus;
    },
    /** `n` windows, once past the new hub's moment for locks to be re-asserted. */
    async windows(n = 3): Promise<WindowBus[]> {
      const buses: WindowBus[] = [];
      for (let i = 0; i < n; i++) buses.push(await world.open());
      await new Promise((resolve) => setTimeout(resolve, 60));
      return buses;
    },
    /** Another window as a process of its own, once it is connected and has done `steps`. */
    async process(...steps: string[]): Promise<ChildProcess & { role: string }> {
      const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'window.js'), world.dir, ...steps], { stdio: ['ignore', 'pipe', 'inherit'] });
      processes.push(child);
      const role = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /ready (\w+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`the other window exited (${code}) before it was ready`)));
      });
      return Object.assign(child, { role });
    },
    /** Ends a window's process without a word (as a crash would). */
    kill(child: ChildProcess): Promise<void> {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
  };
  beforeEach(() => (root = world.dir = mkdtempSync(path.join(os.tmpdir(), 'windows-test-'))));
  afterEach(async () => {
    for (const child of processes.splice(0)) if (child.exitCode === null && child.signalCode === null) await world.kill(child);
    await Promise.all(opened.splice(0).map((b) => b.dispose()));
    rmSync(root, { recursive: true, force: true });
  });
  return world;
}
