"""Strawberry types: one module per GraphQL type, each built from its model by `from_model`."""
