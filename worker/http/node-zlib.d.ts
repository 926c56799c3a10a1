// The workers type-check runs without @types/node (it would clash with the runtime types), so the
// few node:zlib functions workerd provides under nodejs_compat and we call are declared here.
declare module "node:zlib" {
  interface ZlibOptions {
    level?: number;
  }
  interface BrotliOptions {
    params?: Record<number, number>;
  }
  export function gzipSync(data: Uint8Array, options?: ZlibOptions): Uint8Array;
  export function gunzipSync(data: Uint8Array): Uint8Array;
  export function brotliCompressSync(data: Uint8Array, options?: BrotliOptions): Uint8Array;
  export function brotliDecompressSync(data: Uint8Array): Uint8Array;
  export const constants: {
    readonly BROTLI_PARAM_QUALITY: number;
    readonly BROTLI_PARAM_MODE: number;
    readonly BROTLI_PARAM_SIZE_HINT: number;
    readonly BROTLI_MODE_TEXT: number;
  };
}
