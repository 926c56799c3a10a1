/**
 * The typed client of the `CampaignScheduler` Durable Object (one per campaign, named by its
 * id): the only place its stub is got. Routes and the campaign lifecycle go through here.
 */

function scheduler(env: Env, campaignId: string) {
  return env.CAMPAIGN.get(env.CAMPAIGN.idFromName(campaignId));
}

/**
 * Asks the campaign's object to run it, first waking at `wakeAt`; idempotent, so a replay can
 * call it again. Throws if the object already belongs to another campaign (ids are never reused).
 */
export async function startScheduler(env: Env, campaignId: string, wakeAt: number): Promise<void> {
  const taken: boolean = await scheduler(env, campaignId).schedule(campaignId, wakeAt);
  if (!taken) throw new Error(`campaign scheduler ${campaignId} belongs to another campaign`);
}

/** Drops the buckets not yet fired and stops the alarm; a running dispatch stops at its next page. */
export async function stopScheduler(env: Env, campaignId: string): Promise<void> {
  await scheduler(env, campaignId).cancel();
}
