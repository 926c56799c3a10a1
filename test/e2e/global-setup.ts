import { BUILT_FOR_THIS_RUN, buildWorker } from "./start-worker";

/**
 * Bundles the Worker once per e2e run, before any test file starts one: every test then runs the
 * bundle of the sources as they are now, and parallel files never race to rebuild it.
 */
export default async function setup(): Promise<void> {
  await buildWorker();
  // Test files run in child processes started after this, which inherit the environment.
  process.env[BUILT_FOR_THIS_RUN] = "1";
}
