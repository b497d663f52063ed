-- placeholder replaced below
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
