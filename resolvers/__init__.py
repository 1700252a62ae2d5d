"""Loading, scoping and orchestration: the root Query and Mutation, and the schema build."""
