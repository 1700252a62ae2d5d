"""Types auditors read: audit events and the privacy catalog."""
