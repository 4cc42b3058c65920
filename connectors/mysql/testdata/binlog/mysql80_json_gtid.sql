-- The statements mysql80_json_gtid.binlog records, as MySQL 8.0.36 writes them with
-- gtid_mode=ON, binlog_format=ROW, binlog_row_image=FULL, binlog_row_metadata=MINIMAL,
-- binlog_checksum=CRC32, server_id=223344, server_uuid=3e11fa47-71ca-11e1-9e33-c80aa9429562
-- and transactions 1-41 of that uuid already executed (PREVIOUS_GTIDS).
-- The bytes were assembled from the binlog and binary JSON formats (binlog_fixture_test.go).

-- GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:42
CREATE TABLE inv.docs (id INT PRIMARY KEY, body JSON);

-- GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:43 (thread 12)
BEGIN;
INSERT INTO inv.docs VALUES
  (1, '{"id": 7, "name": "café", "tags": ["x", true, null], "price": 12.5}'),
  (2, '[1, -2, 70000, 3.25, "x", false]'),
  (3, NULL);
COMMIT; -- XID 7

-- GTID 3e11fa47-71ca-11e1-9e33-c80aa9429562:44 (thread 12)
BEGIN;
UPDATE inv.docs SET body = '{"a": "b", "big": 5000000000, "nested": {"k": [true]}}' WHERE id = 2;
COMMIT; -- XID 8

-- GTID 5f2c7c0e-9a3b-11ee-8c90-0242ac120002:7, a transaction of another source applied
-- by this server as a replica (its events keep that source's server_id, 556677;
-- 5f2c...:1-6 are in PREVIOUS_GTIDS too)
BEGIN;
INSERT INTO inv.docs VALUES (4, '"a <b> & c"'), (5, '{"e": {}, "z": [], "d": 12345678.0, "s": 1.5e-05}');
COMMIT; -- XID 9
