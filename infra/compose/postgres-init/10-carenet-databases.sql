-- Run once by the postgres image, on an empty data volume: one database per service
-- (no service reads another's tables), owned by the application role (POSTGRES_USER).
-- A production server would rather give each service a role of its own, with rights on its
-- database only.
CREATE DATABASE carenet_tasks;
CREATE DATABASE carenet_care_plans;
CREATE DATABASE carenet_shared_info;
