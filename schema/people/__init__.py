"""Types of people: customers, agents, contacts (every P1 item @personal)."""
