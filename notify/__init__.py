"""Notifications to persons: an outbox table (models.outbox), `enqueue` to add a message, a
worker that delivers them (e-mail over SMTP, or letters handed to the post)."""
