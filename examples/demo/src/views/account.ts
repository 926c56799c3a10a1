import type { Outpost } from "@outpost/client";
import { h } from "../dom";

/**
 * Who is signed in. The user id is what another person needs to be added to a shared space, so it
 * is shown in full with a copy button.
 */
export function accountView(
  outpost: Outpost,
  report: (message: string) => void,
  onSignedIn: () => void,
): HTMLElement {
  const user = outpost.auth.user;
  const heading = h("h2", { id: "account-heading" }, "Account");
  if (!user) {
    const button = h("button", { type: "button" }, "Sign in anonymously");
    button.addEventListener("click", () => {
      button.disabled = true;
      outpost.auth.signInAnonymously().then(onSignedIn, (error: unknown) => {
        button.disabled = false;
        report(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    return h(
      "section",
      { "aria-labelledby": "account-heading" },
      heading,
      h(
        "p",
        { class: "hint" },
        "Sign in to start. Your tasks are kept in this browser and synced to Outpost.",
      ),
      button,
    );
  }
  const copy = h("button", { type: "button" }, "Copy user id");
  copy.addEventListener("click", () => {
    navigator.clipboard?.writeText(user.id).then(
      () => report("User id copied."),
      () => report("Copying failed: select the id and copy it by hand."),
    );
  });
  const signOut = h("button", { type: "button" }, "Sign out");
  signOut.addEventListener("click", () => {
    if (confirm("Sign out? Tasks not yet synced from this browser are discarded."))
      void outpost.auth.signOut();
  });
  return h(
    "section",
    { "aria-labelledby": "account-heading" },
    heading,
    h(
      "p",
      {},
      user.anonymous ? "Anonymous user " : "User ",
      h("output", { "aria-label": "Your user id" }, user.id),
    ),
    h("div", { class: "row" }, copy, signOut),
  );
}
