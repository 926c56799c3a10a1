import { describe, expect, it } from "vitest";
import { OutpostError } from "../../client/src/errors";
import { defaultTimers } from "../../client/src/platform";
import { Runner } from "../../client/src/sync/runner";

function harness(options: { failPulls?: number } = {}) {
  const log: string[] = [];
  let inFlight = 0;
  let most = 0;
  let failures = options.failPulls ?? 0;
  const step = (name: string) => async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    log.push(name);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    if (name === "pull" && failures-- > 0)
      throw new OutpostError(503, "service_unavailable", "busy", null, true, 10);
  };
  const runner = new Runner(
    { push: step("push"), pull: step("pull"), hasPending: () => false },
    { timers: defaultTimers, backoff: { baseMs: 5, maxMs: 20 }, random: () => 0.5, onState: () => undefined },
  );
  return { runner, log, most: () => most };
}

describe("Runner (one space's network work)", () => {
  it("coalesces many pull requests into one in flight and one after it", async () => {
    const { runner, log, most } = harness();
    await Promise.all(Array.from({ length: 20 }, () => runner.kick(false, true)));
    expect(most()).toBe(1);
    expect(log.length).toBeLessThanOrEqual(2);
  });

  it("pushes before it pulls when both are asked for", async () => {
    const { runner, log } = harness();
    await runner.kick(true, true);
    expect(log).toEqual(["push", "pull"]);
  });

  it("retries a retryable failure by itself while started, honouring Retry-After", async () => {
    const { runner, log } = harness({ failPulls: 2 });
    runner.auto = true;
    await expect(runner.kick(false, true)).rejects.toMatchObject({ code: "service_unavailable" });
    await new Promise((r) => setTimeout(r, 150));
    expect(log).toEqual(["pull", "pull", "pull"]);
    runner.stop();
  });

  it("does not retry by itself when stopped; the next trigger does", async () => {
    const { runner, log } = harness({ failPulls: 1 });
    await expect(runner.kick(false, true)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 60));
    expect(log).toEqual(["pull"]);
    await runner.kick(false, false);
    expect(log).toEqual(["pull", "pull"]);
  });
});
