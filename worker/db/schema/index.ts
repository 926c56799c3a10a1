// Every drizzle table, one file per domain; drizzle-kit reads this to write migrations/.
export * from "./auth";
export * from "./devices";
export * from "./config";
export * from "./sync";
export * from "./push";
export * from "./console";
export * from "./entitlements";
