CREATE TABLE `remote_config_revisions` (
	`revision` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`document` text NOT NULL,
	`created_at` integer NOT NULL
);
