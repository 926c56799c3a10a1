import { createRouter } from "../openapi";

// PLACEHOLDER: filled in by the work that owns this resource.
export const adminRoutes = createRouter();
