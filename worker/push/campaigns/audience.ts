import type { Db } from "../../db/client";
import { targetPage } from "./queries/targets";
import type { CampaignTarget } from "./schema";

/** Keyset pages of this many ids: a 100k-device audience is 100 reads of narrow rows. */
const PAGE = 1_000;

/**
 * How many devices a target reaches right now, counted with the very query the fan-out uses
 * (`targetPage`), so the console's live count and the campaign's `targeted` agree (up to the
 * devices that register or unlink in between).
 */
export async function countAudience(db: Db, target: CampaignTarget): Promise<number> {
  let count = 0;
  let after: string | null = null;
  do {
    const page = await targetPage(db, target, after, PAGE);
    count += page.devices.length;
    after = page.next;
  } while (after !== null);
  return count;
}
