/**
 * Where the SDK keeps everything (tokens, queue, local data, cursors). Adapters: memoryStorage(),
 * indexedDbStorage(name), or your own (the README shows expo-sqlite and MMKV).
 */
export interface OutpostStorage {
  get(key: string): Promise<string | null>;
  /** Every entry whose key starts with `prefix`. Without it the SDK keeps its own key index. */
  getMany?(prefix: string): Promise<Array<[string, string]>>;
  /** Atomic: either every entry is written (null deletes) or none is. */
  setMany(entries: Array<[string, string | null]>): Promise<void>;
}
