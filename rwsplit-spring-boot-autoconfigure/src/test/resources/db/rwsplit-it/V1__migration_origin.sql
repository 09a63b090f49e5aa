CREATE TABLE migration_origin (id INT PRIMARY KEY, server_id BIGINT NOT NULL);
INSERT INTO migration_origin VALUES (1, @@server_id);
