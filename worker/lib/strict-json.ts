import { ApiError } from "../errors";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const invalidJson = (detail: string) => new ApiError(400, "invalid_json", detail);

/**
 * Decodes and parses a JSON body the strict way: invalid UTF-8 is an error (never silently
 * replaced with U+FFFD), and so is an object that names a key twice — `JSON.parse` would keep
 * the last one, and two parsers disagreeing on which is how smuggled fields get past validation.
 */
export function parseStrictJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw invalidJson("The body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidJson("The body is not valid JSON");
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null)
    throw invalidJson(`The key "${duplicate.slice(0, 64)}" appears twice in one object`);
  return value;
}

/**
 * Scans already-valid JSON text for an object with a repeated key. Linear in the text; only
 * strings are decoded, and only keys that contain escapes go through `JSON.parse`.
 */
export function findDuplicateKey(text: string): string | null {
  // Each open container: a Set of keys for objects, null for arrays.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      expectKey = stack.at(-1) instanceof Set;
    } else if (ch === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (c === 0x22) break;
      }
      if (expectKey) {
        const raw = text.slice(start, i + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const keys = stack.at(-1);
        if (keys) {
          if (keys.has(key)) return key;
          keys.add(key);
        }
        expectKey = false;
      }
    }
  }
  return null;
}
