-- Nothing in khata is executable by PUBLIC unless granted here.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA khata FROM PUBLIC;
