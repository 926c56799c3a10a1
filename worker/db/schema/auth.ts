import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One person (or one anonymous install until it signs in). Anonymous users upgrade in place. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email"),
    anonymous: integer("anonymous", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("users_email_idx").on(t.email)],
);
