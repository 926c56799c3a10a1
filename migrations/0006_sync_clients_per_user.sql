PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sync_clients` (
	`space_id` text NOT NULL,
	`client_id` text NOT NULL,
	`user_id` text NOT NULL,
	`device_id` text,
	`last_mutation_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`space_id`, `user_id`, `client_id`),
	FOREIGN KEY (`space_id`) REFERENCES `spaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_sync_clients`("space_id", "client_id", "user_id", "device_id", "last_mutation_id", "created_at", "updated_at") SELECT "space_id", "client_id", "user_id", "device_id", "last_mutation_id", "created_at", "updated_at" FROM `sync_clients`;--> statement-breakpoint
DROP TABLE `sync_clients`;--> statement-breakpoint
ALTER TABLE `__new_sync_clients` RENAME TO `sync_clients`;--> statement-breakpoint
PRAGMA foreign_keys=ON;