-- Follow-up: remarks, notes, the assigned engineer, and an invoice's dispute status.

-- The customer of a route's id when the caller may see it; NULL otherwise (both answer 404,
-- so a customer out of sight stays unknown).
CREATE FUNCTION receivables.visible_customer(me receivables.users, id text)
RETURNS receivables.customers
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT c.* FROM receivables.customers c
  WHERE visible_customer.id ~ '^[0-9]{1,18}$' AND c.id = visible_customer.id::bigint
    AND receivables.can_see(me, c)
  FOR UPDATE
$$;

COMMENT ON FUNCTION receivables.visible_customer(receivables.users, text) IS
  'Locks and returns the customer of this id if the user may see it, else NULL.';

CREATE FUNCTION receivables.h_customer_remark(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
  c receivables.customers;
  new_remark text := lower(btrim(req -> 'body' ->> 'newRemark'));
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  c := receivables.visible_customer(me, req -> 'params' ->> 'id');
  IF c.id IS NULL THEN
    RETURN receivables.error(404, 'Customer not found.');
  END IF;
  IF new_remark IS NULL OR new_remark NOT IN ('payment received', 'partial payment', 'under follow-up',
                                      'dispute', 'write-off', 'none') THEN
    RETURN receivables.error(400, 'newRemark must be one of: payment received, partial payment, '
                                  'under follow-up, dispute, write-off, none.');
  END IF;
  UPDATE receivables.customers x SET remark = new_remark, updated_at = now()
  WHERE x.id = c.id;
  RETURN receivables.success();
END
$$;

COMMENT ON FUNCTION receivables.h_customer_remark(jsonb) IS
  'PUT /api/customers/:id/remark {newRemark}: the follow-up label of a customer; moves no money.';

CREATE FUNCTION receivables.h_customer_notes(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
  c receivables.customers;
  new_notes text := req -> 'body' ->> 'newNotes';
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  c := receivables.visible_customer(me, req -> 'params' ->> 'id');
  IF c.id IS NULL THEN
    RETURN receivables.error(404, 'Customer not found.');
  END IF;
  IF new_notes IS NULL OR jsonb_typeof(req -> 'body' -> 'newNotes') <> 'string' OR length(new_notes) > 5000 THEN
    RETURN receivables.error(400, 'newNotes must be text of at most 5000 characters.');
  END IF;
  UPDATE receivables.customers x SET notes = new_notes, updated_at = now()
  WHERE x.id = c.id;
  RETURN receivables.success();
END
$$;

COMMENT ON FUNCTION receivables.h_customer_notes(jsonb) IS
  'PUT /api/customers/:id/notes {newNotes}: free-text follow-up notes (up to 5000 characters).';

CREATE FUNCTION receivables.h_customer_assign_engineer(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
  c receivables.customers;
  engineer receivables.users;
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  IF me.role = 'Engineer' THEN
    RETURN receivables.error(403, 'Only a Manager, a Country Manager or an Admin can assign engineers.');
  END IF;
  c := receivables.visible_customer(me, req -> 'params' ->> 'id');
  IF c.id IS NULL THEN
    RETURN receivables.error(404, 'Customer not found.');
  END IF;
  SELECT * INTO engineer FROM receivables.users u
  WHERE req -> 'body' ->> 'engineerId' ~ '^[0-9]{1,18}$'
    AND u.id = (req -> 'body' ->> 'engineerId')::bigint;
  IF engineer.id IS NULL OR engineer.role <> 'Engineer' THEN
    RETURN receivables.error(400, 'engineerId must name a user whose role is Engineer.');
  END IF;
  UPDATE receivables.customers x SET assigned_engineer = engineer.id, updated_at = now()
  WHERE x.id = c.id;
  RETURN receivables.success();
END
$$;

COMMENT ON FUNCTION receivables.h_customer_assign_engineer(jsonb) IS
  'PUT /api/customers/:id/assign-engineer {engineerId}: the Engineer who follows the customer '
  'up (and then sees it). Managers (their region), Country Managers and Admins only.';

CREATE FUNCTION receivables.h_invoice_dispute(req jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  me receivables.users := receivables.caller(req);
  c receivables.customers;
  wanted text := lower(btrim(req -> 'body' ->> 'newStatus'));
  book bigint := receivables.book_if_any();
  d khata.documents;
  on_date date := receivables.working_date();
  p record;
BEGIN
  IF me.id IS NULL THEN
    RETURN receivables.error(401, 'Not authorized.');
  END IF;
  c := receivables.visible_customer(me, req -> 'params' ->> 'customerId');
  IF c.id IS NULL THEN
    RETURN receivables.error(404, 'Customer not found.');
  END IF;
  SELECT * INTO d FROM khata.documents x
  WHERE x.book_id = book AND x.kind = 'invoice' AND x.party = c.code
    AND x.number = req -> 'params' ->> 'invoiceNumber';
  IF d.id IS NULL THEN
    RETURN receivables.error(404, 'Invoice not found.');
  END IF;
  IF wanted IS NULL OR wanted NOT IN ('paid', 'unpaid', 'dispute') THEN
    RETURN receivables.error(400, 'newStatus must be paid, unpaid or dispute.');
  END IF;
  d := khata.lock_document(book, d.id);
  on_date := greatest(on_date, d.status_since);

  IF wanted = 'dispute' THEN
    IF d.status = 'paid' THEN
      RETURN receivables.error(409, 'A paid invoice cannot be disputed; mark it unpaid first.');
    END IF;
    PERFORM khata.set_document_status(book, d.id, 'disputed', 'disputed by user ' || me.id, on_date);
  ELSIF wanted = 'unpaid' THEN
    -- Unpaid: not in dispute, and payments marked by hand are undone. What an upload
    -- recorded as collected stays: the file is the record of collections.
    FOR p IN SELECT DISTINCT pm.id, pm.received_on FROM khata.payments pm
             JOIN khata.allocations a ON a.book_id = pm.book_id AND a.payment_id = pm.id
             WHERE pm.book_id = book AND a.document_id = d.id AND a.reversed_on IS NULL
               AND pm.reversed_on IS NULL AND pm.external_ref LIKE 'marked-paid:%'
             ORDER BY pm.id DESC
    LOOP
      PERFORM khata.reverse_payment(book, p.id, greatest(on_date, p.received_on));
    END LOOP;
    d := khata.lock_document(book, d.id);
    IF d.status = 'paid' THEN
      RETURN receivables.error(409, 'This invoice was settled by an upload; it is owed again '
                                    'when a later upload lists it.');
    END IF;
    IF d.status = 'disputed' THEN
      PERFORM khata.set_document_status(book, d.id, 'open', 'marked unpaid by user ' || me.id,
                                        greatest(on_date, d.status_since));
    END IF;
  ELSE
    PERFORM receivables.set_outstanding(book, d.id, 0, on_date, 'marked-paid:' || me.id);
  END IF;
  RETURN receivables.success();
END
$$;

COMMENT ON FUNCTION receivables.h_invoice_dispute(jsonb) IS
  'PUT /api/customers/:customerId/invoices/:invoiceNumber/dispute {newStatus}: dispute moves the '
  'invoice to disputed (out of overdue, into the disputed column of aging); unpaid resolves a '
  'dispute and undoes payments marked by hand; paid records a payment of what it owes. '
  'Effective on the '
  'latest snapshot''s date.';
