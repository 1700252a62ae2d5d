"""The person's rights and the data's life, as business rules without GraphQL: consent
records (P5), history (P3.4), rights requests and disclosure packages (P7.3), cancellation,
retention and the purge (P7.4), the public policy page (P11, P3.5).

Between `directives` and `schema` in the import order: the GraphQL mutations, the demo
seeding and `server.py purge` all call these functions.
"""
