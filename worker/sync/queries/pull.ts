/** The pull's D1 read: the space, the caller's role and client, and one bounded page of records. */

import type { D1Like } from "../../db/client";
import type { WireRecord } from "../protocol";
import type { SpaceRole } from "../spaces";
import { parseValue, type ClientRow, type RecordRow, type SpaceState } from "./records";

/** Client ids are scoped per user (v1.1): the same string under two users is two clients. */
const clientStatement = (d1: D1Like, spaceId: string, userId: string, clientId: string) =>
  d1
    .prepare(
      "SELECT user_id AS userId, last_mutation_id AS lastMutationId FROM sync_clients WHERE space_id = ? AND user_id = ? AND client_id = ?",
    )
    .bind(spaceId, userId, clientId);

interface PullSnapshot {
  /** Null when the space does not exist. */
  space: (SpaceState & { role: SpaceRole | null }) | null;
  client: ClientRow | null;
  /** One page: at most `limit` records and `maxBytes` of values, but always the first record. */
  changes: WireRecord[];
  /** Records after the page exist. */
  hasMore: boolean;
}

/**
 * The page in SQL, so a space of large values is never loaded whole into memory to cut it:
 * running totals of each value's stored JSON size (UTF-8 bytes) decide which rows fit. Rows past
 * the page come back at most one (value left out) just to say there is more.
 */
const PAGE_SQL = `
SELECT collection, key, version, deleted, CASE WHEN fits THEN value END AS value, fits FROM (
  SELECT collection, key, version, deleted, value, rn, total - size AS before,
    (rn = 1 OR total <= ?3) AND rn <= ?4 AS fits
  FROM (
    SELECT collection, key, version, deleted, value,
      COALESCE(length(CAST(value AS BLOB)), 0) AS size,
      SUM(COALESCE(length(CAST(value AS BLOB)), 0)) OVER (ORDER BY version ROWS UNBOUNDED PRECEDING) AS total,
      ROW_NUMBER() OVER (ORDER BY version) AS rn
    FROM (SELECT * FROM records WHERE space_id = ?1 AND version > ?2 ORDER BY version LIMIT ?4 + 1)
  )
)
WHERE rn <= 2 OR before <= ?3
ORDER BY version`;

/**
 * One consistent read (a batch is a transaction): the space's version, horizon and the caller's
 * role, the client's last mutation id, and one page of records changed after `cursor` in
 * version order. Rows are updated in place, so each record appears at most once.
 */
export async function loadPullSnapshot(
  d1: D1Like,
  input: {
    spaceId: string;
    userId: string;
    clientId: string | undefined;
    cursor: number;
    limit: number;
    maxBytes: number;
  },
): Promise<PullSnapshot> {
  const statements = [
    d1
      .prepare(
        "SELECT s.version AS version, s.purge_horizon AS purgeHorizon, m.role AS role FROM spaces s LEFT JOIN space_members m ON m.space_id = s.id AND m.user_id = ? WHERE s.id = ?",
      )
      .bind(input.userId, input.spaceId),
    d1.prepare(PAGE_SQL).bind(input.spaceId, input.cursor, input.maxBytes, input.limit),
  ];
  if (input.clientId !== undefined)
    statements.push(clientStatement(d1, input.spaceId, input.userId, input.clientId));
  const [spaceResult, recordsResult, clientResult] = await d1.batch<unknown>(statements);
  const space = (spaceResult?.results[0] as (SpaceState & { role: SpaceRole | null }) | undefined) ?? null;
  const client = (clientResult?.results[0] as ClientRow | undefined) ?? null;
  const rows = (recordsResult?.results ?? []) as (RecordRow & { fits: number })[];
  const changes = rows
    .filter((row) => row.fits === 1)
    .map((row) => ({
      collection: row.collection,
      key: row.key,
      version: row.version,
      deleted: row.deleted === 1,
      value: parseValue(row.value),
    }));
  return { space, client, changes, hasMore: rows.length > changes.length };
}
