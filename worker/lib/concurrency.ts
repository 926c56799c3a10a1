/**
 * The Workers limit on connections waiting for response headers, per invocation: a seventh
 * `fetch` would queue behind the first six anyway, so fan-outs keep at most this many in flight.
 */
export const MAX_IN_FLIGHT = 6;

/** Runs `task` over `items` with at most `limit` running at once, in order of `items`. */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
