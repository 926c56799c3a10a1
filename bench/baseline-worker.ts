import { Hono } from "hono";

// The benchmark's yardstick: the cheapest Hono app that does anything, bundled and served exactly
// like Outpost (same Miniflare instance, same entry worker), so a ratio to it isolates the cost of
// Outpost's own pipeline and handlers from the cost of the local runtime.
const app = new Hono();
app.get("/hello", (c) => c.text("ok"));

export default app;
