/** The push queue's messages: each carries a chunk of one campaign's devices. */

/** One queue message: a chunk of one campaign's devices. */
export interface PushJob {
  campaignId: string;
  deviceIds: string[];
}

/**
 * 10 devices a message and at most 50 messages a consumer batch (wrangler.toml) keep one
 * consumer invocation at ≤ 500 provider calls, well inside the subrequest limit.
 */
export const DEVICES_PER_JOB = 10;
/** Queues' `sendBatch` limit (100 messages, 256 KB; a job is well under 1 KB). */
const SEND_BATCH_MAX = 100;

export function isPushJob(body: unknown): body is PushJob {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    typeof b.campaignId === "string" &&
    Array.isArray(b.deviceIds) &&
    b.deviceIds.every((d): d is string => typeof d === "string")
  );
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sends jobs in `sendBatch` calls of at most 100 messages. */
export async function enqueueJobs(
  queue: Queue,
  jobs: readonly PushJob[],
  delaySeconds?: number,
): Promise<void> {
  for (const part of chunk(jobs, SEND_BATCH_MAX)) {
    await queue.sendBatch(part.map((body) => ({ body, contentType: "json", delaySeconds })));
  }
}
