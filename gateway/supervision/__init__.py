"""The key-supervision list (重点监管名单): entries derived from configured rules and added by
supervisors, with their grounds and supervision measures; and typical cases (典型案例)."""
