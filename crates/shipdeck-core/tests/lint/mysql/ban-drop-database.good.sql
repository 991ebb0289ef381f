-- The analytics schema moved to the warehouse: an operator drops it by
-- hand once the export is verified; the app loses access now.
REVOKE ALL PRIVILEGES ON analytics.* FROM 'app'@'%';
