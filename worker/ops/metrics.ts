import type { Context } from "hono";
import type { AppEnv } from "../env";

// PLACEHOLDER (operations work): counts requests by route and status for /v1/admin/metrics.
export function recordRequest(_c: Context<AppEnv>, _route: string, _status: number): void {}
