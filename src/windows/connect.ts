// Becoming the hub's host. Pure Node.
import { Hub, type HubOptions } from './hub';
import { claimHub, type HubClaim } from './place';

export interface Hosting {
  readonly hub: Hub;
  readonly claim: HubClaim;
}

/** Hosts the hub for the windows of `storageDir`; undefined when another window does (or is about to). */
export async function hostHub(storageDir: string, options: HubOptions): Promise<Hosting | undefined> {
  const claim = await claimHub(storageDir);
  if (!claim) return undefined;
  try {
    const hub = await Hub.listen(claim.address, claim.key, options);
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
