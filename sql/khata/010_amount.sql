-- Money amounts: exact decimal text <-> bigint minor units.

CREATE FUNCTION khata.parse_amount(amount text, exponent int DEFAULT 2)
RETURNS bigint
AS 'MODULE_PATHNAME', 'khata_parse_amount'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION khata.parse_amount(text, int) IS
  'Exact decimal text to minor units: parse_amount(''18.5'', 2) = 1850. More decimals than '
  'the exponent allows raise 22023 (never rounded); malformed text raises 22P02.';

CREATE FUNCTION khata.format_amount(minor bigint, exponent int DEFAULT 2)
RETURNS numeric
AS 'MODULE_PATHNAME', 'khata_format_amount'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION khata.format_amount(bigint, int) IS
  'Minor units to the shortest exact decimal: format_amount(1850, 2) = 18.5.';
