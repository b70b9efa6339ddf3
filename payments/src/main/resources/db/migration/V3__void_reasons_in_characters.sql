-- The contracts count a string's maxLength in characters (code points, as JSON Schema does) and the services check
-- it so (@CodePointLength). H2 measures a VARCHAR in UTF-16 units, where a character beyond U+FFFF (an emoji) takes
-- two: its columns hold twice the contract's length, so 100 such characters fit a name of at most 100. PostgreSQL
-- counts characters, so there the column is merely wider than the check.
ALTER TABLE voided_orders ALTER COLUMN reason SET DATA TYPE VARCHAR(400);
