"""People: customers, agents and customers' contacts (P1, P7.1, P7.2)."""
