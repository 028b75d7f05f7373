-- Uploaded tables (CSV, XLSX) as one JSON object per data row, keyed by the header.

CREATE FUNCTION khata.read_table(data bytea, format text DEFAULT NULL, options jsonb DEFAULT NULL)
RETURNS TABLE(line int, cells jsonb)
AS 'MODULE_PATHNAME', 'khata_read_table'
LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION khata.read_table(bytea, text, jsonb) IS
  'Reads an uploaded CSV or XLSX file (format ''csv'' or ''xlsx'', sniffed when NULL): one row '
  'per non-blank data row, line = its line (CSV) or row number (XLSX) in the file, cells = '
  '{"normalized header name": "cell text"} without empty cells. options: {"sheet": "Name", '
  '"delimiter": ";", and caps such as "max_rows": 5000, lower only}. Unreadable files, files '
  'over a cap, a missing or repeated header raise SQLSTATEs 22K60-22K66 (README, Errors).';

-- Apps call it from their SECURITY DEFINER handlers, as the owner.
REVOKE ALL ON FUNCTION khata.read_table(bytea, text, jsonb) FROM PUBLIC;
