#!/usr/bin/env bash
# Bytes per row in D1 for Outpost's tables (docs/scale.md). Applies every migration to a scratch
# SQLite file (D1 stores SQLite pages; 4,096-byte pages here as there), seeds a typical app's rows
# for USERS users (default 1,000) with RECORDS synced records each (default 200: tasks with
# realistic fields, every fifth a note of a few paragraphs), then prints bytes per table from
# dbstat (table + its indexes) and per row. Run: bash bench/scale-bytes.sh [USERS] [RECORDS]
set -euo pipefail
USERS=${1:-1000}
RECORDS=${2:-200}
DB=$(mktemp /tmp/outpost-scale-XXXXXX.sqlite)
trap 'rm -f "$DB"' EXIT
cd "$(dirname "$0")/.."
for f in migrations/*.sql; do sed 's/--> statement-breakpoint//' "$f" | sqlite3 "$DB"; done
sqlite3 "$DB" <<SQL
PRAGMA foreign_keys=OFF;
BEGIN;
WITH RECURSIVE u(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM u WHERE n < $USERS)
INSERT INTO users SELECT printf('%08x-%04x-4%03x-a%03x-%012x', n, n, n % 4096, n % 4096, n*7919), 'user' || n || '@example.com', 0, 1764500000000, 1764500000000 FROM u;
INSERT INTO identities SELECT 'https://appleid.apple.com', '001234.' || lower(hex(randomblob(16))) || '.0917', id, 'apple', email, 1764500000000, 1764500000000 FROM users;
-- two devices per user (a phone and a tablet), one topic each
INSERT INTO devices (id, user_id, platform, push_provider, push_token, push_token_updated_at, app_version, app_version_key, locale, timezone, created_at, updated_at)
  SELECT lower(hex(randomblob(16))), id, 'ios', 'apns', lower(hex(randomblob(32))), 1764500000000, '3.1.0', 3001000, 'en-AU', 'Australia/Sydney', 1764500000000, 1764500000000 FROM users
  UNION ALL
  SELECT lower(hex(randomblob(16))), id, 'android', 'fcm', 'f' || lower(hex(randomblob(70))), 1764500000000, '3.1.0', 3001000, 'en-AU', 'Australia/Sydney', 1764500000000, 1764500000000 FROM users;
INSERT INTO device_topics SELECT id, 'news' FROM devices;
-- two live sessions per user, 30 spent refresh tokens each (one per refresh, kept for reuse detection)
INSERT INTO sessions SELECT lower(hex(randomblob(16))), user_id, id, platform, 30, 1764500000000, 1764500000000, 1767100000000, NULL, NULL FROM devices;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM g WHERE n < 30)
INSERT INTO refresh_tokens SELECT lower(hex(randomblob(32))), s.id, g.n, 1764500000000, 1764500000000, lower(hex(randomblob(32))) FROM sessions s, g;
INSERT INTO spaces SELECT 'p_' || id, 'Personal', 'personal', id, $RECORDS, 0, 1764500000000, 1764500000000 FROM users;
INSERT INTO space_members SELECT 'p_' || id, id, 'owner', 1764500000000 FROM users;
INSERT INTO sync_clients SELECT 'p_' || user_id, lower(hex(randomblob(16))), user_id, id, 100, 1764500000000, 1764500000000 FROM devices;
-- synced records: tasks (title, done, dueAt, imageUrl on a third, tags), every fifth a note
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < $RECORDS)
INSERT INTO records SELECT 'p_' || u.id,
  CASE WHEN r.n % 5 = 0 THEN 'notes' ELSE 'tasks' END,
  lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-' || lower(hex(randomblob(2))) || '-' || lower(hex(randomblob(2))) || '-' || lower(hex(randomblob(6))),
  r.n, 0,
  CASE WHEN r.n % 5 = 0
    THEN json_object('title', 'Meeting notes ' || r.n, 'body', substr(replace(hex(randomblob(200)), '0', ' '), 1, 400) || ' Follow up with the team about the launch plan and the open questions from the review.')
    ELSE json_object('title', 'Buy groceries for the weekend ' || r.n, 'done', json(CASE WHEN r.n % 3 = 0 THEN 'true' ELSE 'false' END), 'dueAt', 1764500000000 + r.n * 3600000,
      'imageUrl', CASE WHEN r.n % 3 = 0 THEN 'https://images.example.com/u/' || lower(hex(randomblob(8))) || '.jpg' END,
      'tags', json_array('home', 'errands')) END,
  1764500000000 FROM users u, r;
-- inbox: 20 campaign messages per user; a campaign's delivery ledger: one row per device
INSERT INTO push_campaigns (id, request_hash, status, created_status, title, body, data, silent, priority, target, created_at)
  VALUES ('c1', 'h', 'sent', 'scheduled', 'Weekend sale', 'Everything 20% off', '{}', 0, 'high', '{"all":true}', 1764500000000);
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM g WHERE n < 20)
INSERT INTO push_inbox (id, user_id, campaign_id, created_at, read_at) SELECT lower(hex(randomblob(16))), id, 'c1' || CASE WHEN g.n = 1 THEN '' ELSE '-' || g.n END, 1764500000000, NULL FROM users, g;
INSERT INTO push_deliveries (campaign_id, device_id, user_id, bucket, state, attempts, created_at, sent_at, token_hash)
  SELECT 'c1', id, user_id, push_provider, 'sent', 1, 1764500000000, 1764500000000, lower(hex(randomblob(32))) FROM devices;
INSERT INTO silent_push_log SELECT id, 1764500000000 FROM devices;
COMMIT;
ANALYZE;
SQL
sqlite3 -header -column "$DB" <<'SQL'
WITH sizes AS (
  SELECT coalesce((SELECT tbl_name FROM sqlite_master m WHERE m.name = d.name), d.name) AS tbl, sum(pgsize) AS bytes
  FROM dbstat d GROUP BY 1),
rowsper AS (
  SELECT 'users' t, count(*) n FROM users UNION ALL SELECT 'identities', count(*) FROM identities
  UNION ALL SELECT 'devices', count(*) FROM devices UNION ALL SELECT 'device_topics', count(*) FROM device_topics
  UNION ALL SELECT 'sessions', count(*) FROM sessions UNION ALL SELECT 'refresh_tokens', count(*) FROM refresh_tokens
  UNION ALL SELECT 'spaces', count(*) FROM spaces UNION ALL SELECT 'space_members', count(*) FROM space_members
  UNION ALL SELECT 'sync_clients', count(*) FROM sync_clients UNION ALL SELECT 'records', count(*) FROM records
  UNION ALL SELECT 'push_inbox', count(*) FROM push_inbox UNION ALL SELECT 'push_deliveries', count(*) FROM push_deliveries
  UNION ALL SELECT 'silent_push_log', count(*) FROM silent_push_log)
SELECT r.t AS "table (with indexes)", r.n AS rows, s.bytes, round(1.0 * s.bytes / r.n) AS bytes_per_row
FROM rowsper r JOIN sizes s ON s.tbl = r.t ORDER BY s.bytes DESC;
SELECT 'records: avg value bytes' AS what, round(avg(length(value))) AS v FROM records
UNION ALL SELECT 'database bytes (page_count × page_size)', (SELECT page_count FROM pragma_page_count) * (SELECT page_size FROM pragma_page_size)
UNION ALL SELECT 'bytes per user, all tables', (SELECT page_count FROM pragma_page_count) * (SELECT page_size FROM pragma_page_size) / (SELECT count(*) FROM users);
SQL
