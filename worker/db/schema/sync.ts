// Tables for the sync domain (filled in by its work).
export {};
