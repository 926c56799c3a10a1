ALTER TABLE `devices` ADD `unlinked_at` integer;--> statement-breakpoint
ALTER TABLE `push_deliveries` ADD `token_hash` text;