import { z } from "@hono/zod-openapi";

/**
 * `z.record` for request bodies, minus its silent drop: zod skips an own `__proto__` key (so it
 * cannot replace the result's prototype), which would answer 200 for a key it never stored.
 * Here such a key is a validation error, like any other key the schema refuses.
 */
export function strictRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V) {
  return z.preprocess(
    (input, ctx) => {
      if (typeof input === "object" && input !== null && Object.hasOwn(input, "__proto__"))
        ctx.issues.push({
          code: "custom",
          message: "__proto__ is not an allowed key",
          input,
          path: ["__proto__"],
        });
      return input;
    },
    z.record(key, value),
  );
}
