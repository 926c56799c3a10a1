import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { EncodingChoice } from "./decisions";

/**
 * Encodes a body once, with node:zlib (nodejs_compat): CompressionStream has no brotli in
 * workerd, and zstd is unreliable there at low levels, so neither is used.
 */
export function encodeBody(bytes: Uint8Array, choice: EncodingChoice): Uint8Array {
  switch (choice.coding) {
    case "br":
      return brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: choice.level,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
        },
      });
    case "gzip":
      return gzipSync(bytes, { level: choice.level });
    case "identity":
      return bytes;
  }
}
