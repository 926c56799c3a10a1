// Tables for the auth domain (filled in by its work).
export {};
