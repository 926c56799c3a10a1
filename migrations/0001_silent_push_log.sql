CREATE TABLE `silent_push_log` (
	`device_id` text PRIMARY KEY NOT NULL,
	`last_sent_at` integer NOT NULL
);
