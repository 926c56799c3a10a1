// Tables for the push domain (filled in by its work).
export {};
