CREATE TABLE `identities` (
	`issuer` text NOT NULL,
	`subject` text NOT NULL,
	`user_id` text NOT NULL,
	`provider` text NOT NULL,
	`email` text,
	`created_at` integer NOT NULL,
	`last_sign_in_at` integer NOT NULL,
	PRIMARY KEY(`issuer`, `subject`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `identities_user_idx` ON `identities` (`user_id`);--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`hash` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`generation` integer NOT NULL,
	`created_at` integer NOT NULL,
	`used_at` integer,
	`rotated_to` text,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `refresh_tokens_session_idx` ON `refresh_tokens` (`session_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`device_id` text,
	`platform` text,
	`refresh_generation` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `push_campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`idempotency_key` text,
	`request_hash` text NOT NULL,
	`status` text NOT NULL,
	`created_status` text NOT NULL,
	`title` text,
	`body` text,
	`data` text NOT NULL,
	`silent` integer NOT NULL,
	`collapse_key` text,
	`ttl_seconds` integer,
	`priority` text NOT NULL,
	`target` text NOT NULL,
	`send_at` integer,
	`local_time` text,
	`created_at` integer NOT NULL,
	`dispatched_at` integer,
	`completed_at` integer,
	`cancelled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_campaigns_idempotency_idx` ON `push_campaigns` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `push_deliveries` (
	`campaign_id` text NOT NULL,
	`device_id` text NOT NULL,
	`user_id` text NOT NULL,
	`bucket` text NOT NULL,
	`state` text NOT NULL,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`opened_at` integer,
	PRIMARY KEY(`campaign_id`, `device_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `push_campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `push_deliveries_bucket_idx` ON `push_deliveries` (`campaign_id`,`bucket`,`state`,`device_id`);--> statement-breakpoint
CREATE INDEX `push_deliveries_state_idx` ON `push_deliveries` (`campaign_id`,`state`);--> statement-breakpoint
CREATE TABLE `push_inbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`user_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `push_campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_inbox_id_idx` ON `push_inbox` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `push_inbox_user_campaign_idx` ON `push_inbox` (`user_id`,`campaign_id`);--> statement-breakpoint
CREATE INDEX `push_inbox_user_seq_idx` ON `push_inbox` (`user_id`,`seq`);--> statement-breakpoint
CREATE INDEX `push_inbox_user_read_idx` ON `push_inbox` (`user_id`,`read_at`);