"""The privacy vocabulary, the policy, and the one enforcement point.

Import order: models -> directives -> schema -> resolvers -> server.
"""
