// Reaching the hub, or becoming its host. Pure Node.
import * as net from 'node:net';
import { Hub } from './hub';
import { claimHub, type HubClaim } from './place';

/** A connection to `address`, or undefined when nobody listens there. */
export function connectTo(address: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    const fail = () => resolve(undefined);
    socket.once('connect', () => {
      socket.off('error', fail);
      resolve(socket);
    });
    socket.once('error', fail);
  });
}

export interface Hosting {
  readonly hub: Hub;
  readonly claim: HubClaim;
}

/** Hosts the hub for the windows of `storageDir`; undefined when another window does (or is about to). */
export async function hostHub(storageDir: string, reclaimMs: number): Promise<Hosting | undefined> {
  const claim = await claimHub(storageDir);
  if (!claim) return undefined;
  try {
    const hub = await Hub.listen(claim.address, claim.key, { reclaimMs });
    await claim.publish();
    return { hub, claim };
  } catch (error) {
    claim.release();
    throw error;
  }
}

/** Closes a hosted hub and gives up its folder. */
export async function stopHosting(hosting: Hosting): Promise<void> {
  hosting.claim.release();
  await hosting.hub.close();
}
