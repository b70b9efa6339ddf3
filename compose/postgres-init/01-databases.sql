-- One database per service: each service owns its data (ARCHITECTURE.md). Run once by the postgres image.
CREATE DATABASE users;
CREATE DATABASE orders;
CREATE DATABASE payments;
CREATE DATABASE orchestrator;
