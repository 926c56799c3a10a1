// Tables for the devices domain (filled in by its work).
export {};
