import type { OutpostStorage } from "./types.js";

// Structural IndexedDB types: the core compiles without the DOM library.
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
}
interface IdbStore {
  get(key: string): IdbRequest<unknown>;
  put(value: string, key: string): unknown;
  delete(key: string): unknown;
  openCursor(range: unknown): IdbRequest<IdbCursor | null>;
}
interface IdbCursor {
  key: unknown;
  value: unknown;
  continue(): void;
}
interface IdbTransaction {
  objectStore(name: string): IdbStore;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: "readonly" | "readwrite"): IdbTransaction;
}
interface IdbGlobals {
  indexedDB?: { open(name: string, version: number): IdbOpenRequest };
  IDBKeyRange?: { bound(lower: string, upper: string): unknown };
}

const STORE = "kv";

const request = <T>(req: IdbRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/**
 * IndexedDB storage for the web: one database, one object store of strings. `setMany` is one
 * readwrite transaction, which IndexedDB commits all-or-nothing.
 */
export function indexedDbStorage(name = "outpost"): Required<OutpostStorage> {
  const g = globalThis as unknown as IdbGlobals;
  let db: Promise<IdbDatabase> | undefined;
  const open = () => {
    if (!g.indexedDB) return Promise.reject(new Error("indexedDB is not available here"));
    const req = g.indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    return request(req);
  };
  const database = () => (db ??= open());
  return {
    async get(key) {
      const tx = (await database()).transaction(STORE, "readonly");
      const value = await request(tx.objectStore(STORE).get(key));
      return typeof value === "string" ? value : null;
    },
    async getMany(prefix) {
      const tx = (await database()).transaction(STORE, "readonly");
      const range = g.IDBKeyRange?.bound(prefix, `${prefix}\uffff`);
      const cursorReq = tx.objectStore(STORE).openCursor(range);
      return new Promise((resolve, reject) => {
        const out: Array<[string, string]> = [];
        cursorReq.onsuccess = () => {
          const cursor = cursorReq.result;
          if (!cursor) return resolve(out);
          if (typeof cursor.key === "string" && typeof cursor.value === "string")
            out.push([cursor.key, cursor.value]);
          cursor.continue();
        };
        cursorReq.onerror = () => reject(cursorReq.error);
      });
    },
    async setMany(entries) {
      const tx = (await database()).transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      for (const [key, value] of entries) {
        if (value === null) store.delete(key);
        else store.put(value, key);
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
      });
    },
  };
}
