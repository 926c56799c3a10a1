/**
 * Background sync by silent push: which member devices to wake after a commit. Apple throttles
 * background pushes beyond two or three an hour, so a device gets at most one per window; a
 * device inside its window is *owed* a push, sent when the window ends (so the last change of a
 * burst is never silently dropped).
 */
export const SILENT_PUSH_WINDOW_MS = 20 * 60_000;
/** Sent a little after the window so a sender that also throttles (by its own clock) agrees. */
export const SILENT_PUSH_MARGIN_MS = 5_000;

interface SilentPushInput {
  /** Devices of the space's members that can receive a push. */
  candidates: readonly string[];
  /** The devices that made the change(s): never woken for their own changes. */
  origins: ReadonlySet<string>;
  /** Devices with a live socket: they got a poke. */
  live: ReadonlySet<string>;
  /** When each device last got a silent push from this space, if ever. */
  lastPushAt: (deviceId: string) => number | undefined;
  now: number;
}

interface SilentPushDecision {
  sendNow: string[];
  owe: string[];
}

export function decideSilentPushes(input: SilentPushInput): SilentPushDecision {
  const sendNow: string[] = [];
  const owe: string[] = [];
  for (const deviceId of new Set(input.candidates)) {
    if (input.origins.has(deviceId) || input.live.has(deviceId)) continue;
    const last = input.lastPushAt(deviceId);
    if (last === undefined || input.now - last >= SILENT_PUSH_WINDOW_MS + SILENT_PUSH_MARGIN_MS)
      sendNow.push(deviceId);
    else owe.push(deviceId);
  }
  return { sendNow, owe };
}
