import type { Outpost, RemoteConfig } from "@outpost/client";
import { fill, h } from "../dom";

/**
 * Remote config for this device. `config.get()` answers from storage at once (and revalidates
 * with `If-None-Match` in the background); `onChange` brings a newer one. The `darkMode` flag
 * (seeded by `npm run dev`) picks the page's theme.
 */
export function flagsView(
  outpost: Outpost,
  report: (message: string) => void,
): { el: HTMLElement; stop(): void } {
  const list = h("dl", { class: "flags", "aria-label": "Flags" });

  const render = (config: RemoteConfig | null) => {
    const flags = Object.entries(config?.flags ?? {}).sort(([a], [b]) => a.localeCompare(b));
    fill(list, ...flags.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, JSON.stringify(value))]));
    document.documentElement.dataset.theme = outpost.config.flag("darkMode", false) ? "dark" : "light";
  };

  const refresh = () =>
    outpost.config
      .refresh()
      .catch((error: unknown) =>
        report(`Loading the config failed: ${error instanceof Error ? error.message : String(error)}`),
      );

  render(outpost.config.get());
  const stop = outpost.config.onChange(render);
  const el = h(
    "section",
    { "aria-labelledby": "flags-heading" },
    h("h2", { id: "flags-heading" }, "Flags"),
    list,
    h("button", { type: "button", onclick: () => void refresh() }, "Refresh flags"),
  );
  return { el, stop };
}
