// One value every window shares: the newest wins everywhere, a window that opens later starts
// from it, and while it is out of date one window makes it anew for all, even when the window
// doing so dies on the way.
import * as assert from 'node:assert/strict';
import type { WindowBus, WindowChannel } from '../../src/windows/bus';
import { SharedValue, type Refreshed } from '../../src/windows/shared';
import { until, windowsWorld } from './windowsHelpers';

const TOPIC = 'test.figures';

interface Figures {
  readonly by: string;
  readonly at: number;
}

function figures(raw: unknown): Figures | undefined {
  const f = raw as Partial<Figures> | null;
  return typeof f === 'object' && f !== null && typeof f.by === 'string' && typeof f.at === 'number' ? { by: f.by, at: f.at } : undefined;
}

describe('a value the windows share', () => {
  const world = windowsWorld();
  const values: SharedValue<Figures>[] = [];
  afterEach(() => values.splice(0).forEach((v) => v.dispose()));

  /** The shared value on `channel`, with every change it hears. */
  function valueOn(channel: WindowChannel) {
    const value = new SharedValue<Figures>(channel, { topic: TOPIC, read: figures, stamp: (f) => f.at });
    values.push(value);
    const heard: Figures[] = [];
    value.onDidChange((f) => heard.push(f));
    return Object.assign(value, { heard });
  }

  /** A window's channel that counts the locks it asks for. */
  function counting(bus: WindowBus): WindowChannel & { asked: number } {
    const channel = Object.create(bus) as WindowChannel & { asked: number };
    channel.asked = 0;
    channel.acquire = (name, options) => {
      channel.asked++;
      return bus.acquire(name, options);
    };
    return channel;
  }

  it('keeps the newest value in every window, whatever order the windows hear of them in', async () => {
    const [a, b, c] = await world.windows();
    const [va, vb, vc] = [valueOn(a), valueOn(b), valueOn(c)];
    assert.equal(va.publish({ by: 'a', at: 20 }), true);
    await until('b and c to have it', () => vb.value?.by === 'a' && vc.value?.by === 'a');
    assert.equal(vb.publish({ by: 'b', at: 10 }), false, 'a window does not publish what it knows to be older');
    // A window that had not heard of the newer value yet sends an older one all the same.
    const raw: unknown[] = [];
    a.subscribe(TOPIC, (v) => raw.push(v));
    c.subscribe(TOPIC, (v) => raw.push(v));
    b.publish(TOPIC, { by: 'slow b', at: 10 }, { retain: true });
    await until('a and c to hear it', () => raw.length === 2);
    assert.deepEqual([va.value, vb.value, vc.value], [{ by: 'a', at: 20 }, { by: 'a', at: 20 }, { by: 'a', at: 20 }]);
    assert.deepEqual([va.heard, vc.heard], [[], [{ by: 'a', at: 20 }]], 'nobody was told of the older value');
    vc.publish({ by: 'c', at: 30 });
    await until('a and b to take the newer one', () => va.value?.by === 'c' && vb.value?.by === 'c');
    assert.deepEqual(va.heard, [{ by: 'c', at: 30 }]);
  });

  it('gives a window that opens later the newest value, and tells it of the next', async () => {
    const va = valueOn(await world.open());
    va.publish({ by: 'a', at: 1 });
    va.publish({ by: 'a again', at: 2 });
    const late = valueOn(await world.open());
    assert.deepEqual(late.value, { by: 'a again', at: 2 });
    va.publish({ by: 'a, later', at: 3 });
    await until('the late window to hear it', () => late.heard.length === 1);
    assert.deepEqual(late.value, { by: 'a, later', at: 3 });
  });

  it('makes a stale value anew in one window of three, and the others take its result', async () => {
    const buses = await world.windows();
    const channels = buses.map(counting);
    const shared = channels.map(valueOn);
    let works = 0;
    const stale = (f: Figures | undefined) => f === undefined || f.at < 100;
    const work = (by: string) => async () => (works++, { by, at: 100 });
    let others: Promise<Refreshed<Figures>>[] = [];
    const first = await shared[0].refresh({
      stale,
      work: async () => {
        // The other windows find it stale too, and ask for the lock while this one works.
        others = [shared[1].refresh({ stale, work: work('b') }), shared[2].refresh({ stale, work: work('c') })];
        await until('the others to ask for the lock', () => channels[1].asked === 1 && channels[2].asked === 1);
        return work('a')();
      },
    });
    const rest = await Promise.all(others);
    assert.equal(works, 1, 'one window did the work');
    assert.deepEqual([first.outcome, ...rest.map((r) => r.outcome)], ['made', 'fresh', 'fresh']);
    for (const value of shared) assert.deepEqual(value.value, { by: 'a', at: 100 });
  });

  it('lets a window that will not wait go on, and gives it the working window\'s result when it comes', async () => {
    const [a, b] = await world.windows(2);
    const [va, vb] = [valueOn(a), valueOn(b)];
    let finish: () => void = () => undefined;
    const working = va.refresh({ stale: (f) => !f, work: () => new Promise((resolve) => (finish = () => resolve({ by: 'a', at: 1 }))) });
    await until('a to be working', async () => {
      const lease = await b.acquire(TOPIC, { wait: false });
      lease?.release();
      return lease === undefined;
    });
    const busy = await vb.refresh({ stale: (f) => !f, work: async () => assert.fail('b must not work while a does'), wait: false });
    assert.deepEqual(busy, { outcome: 'busy', value: undefined });
    finish();
    await working;
    await until('b to take the result', () => vb.heard.length === 1);
    assert.deepEqual(vb.value, { by: 'a', at: 1 });
  });

  it('lets another window do the work when the window doing it dies mid-way', async function () {
    this.timeout(15_000);
    const worker = await world.process('work', TOPIC);
    assert.equal(worker.role, 'host', 'the dying window hosts the hub too');
    const [b, c] = [await world.open(), await world.open()];
    const [vb, vc] = [valueOn(b), valueOn(c)];
    let works = 0;
    const refresh = (value: SharedValue<Figures>, by: string) =>
      value.refresh({
        stale: (f) => f === undefined,
        work: async () => {
          works++;
          return { by, at: 1 };
        },
      });
    const waiting = [refresh(vb, 'b'), refresh(vc, 'c')];
    await world.kill(worker);
    const outcomes = (await Promise.all(waiting)).map((r) => r.outcome).sort();
    assert.equal(works, 1, 'one of the others did the work');
    assert.deepEqual(outcomes, ['fresh', 'made']);
    assert.ok(vb.value && vb.value.by === vc.value?.by, 'both have its result');
  });
});
