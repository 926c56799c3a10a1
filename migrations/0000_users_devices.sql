CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text,
	`anonymous` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `users_email_idx` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `device_topics` (
	`device_id` text NOT NULL,
	`topic` text NOT NULL,
	PRIMARY KEY(`device_id`, `topic`),
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_topics_topic_idx` ON `device_topics` (`topic`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`platform` text NOT NULL,
	`push_provider` text,
	`push_token` text,
	`push_token_updated_at` integer,
	`push_token_invalid_at` integer,
	`app_version` text,
	`app_version_key` integer,
	`locale` text,
	`timezone` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `devices_user_idx` ON `devices` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `devices_push_token_idx` ON `devices` (`push_token`) WHERE "devices"."push_token" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `devices_platform_idx` ON `devices` (`platform`);