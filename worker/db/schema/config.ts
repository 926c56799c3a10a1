// Tables for the config domain (filled in by its work).
export {};
