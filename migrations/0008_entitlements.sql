CREATE TABLE `purchases` (
	`store` text NOT NULL,
	`purchase_id` text NOT NULL,
	`user_id` text,
	`product_id` text NOT NULL,
	`transaction_id` text NOT NULL,
	`state` text NOT NULL,
	`expires_at` integer,
	`will_renew` integer NOT NULL,
	`family_shared` integer NOT NULL,
	`signed_at` integer NOT NULL,
	`environment` text,
	`replaced_by` text,
	`needs_acknowledgement` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchases_store_purchase_idx` ON `purchases` (`store`,`purchase_id`);--> statement-breakpoint
CREATE INDEX `purchases_user_idx` ON `purchases` (`user_id`);--> statement-breakpoint
CREATE TABLE `store_notifications` (
	`store` text NOT NULL,
	`notification_id` text NOT NULL,
	`type` text NOT NULL,
	`subtype` text,
	`signed_at` integer NOT NULL,
	`raw` text NOT NULL,
	`verified` integer NOT NULL,
	`purchase_id` text,
	`user_id` text,
	`outcome` text,
	`received_at` integer NOT NULL,
	`applied_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `store_notifications_id_idx` ON `store_notifications` (`store`,`notification_id`);--> statement-breakpoint
CREATE INDEX `store_notifications_purchase_idx` ON `store_notifications` (`store`,`purchase_id`);--> statement-breakpoint
CREATE INDEX `store_notifications_user_idx` ON `store_notifications` (`user_id`);