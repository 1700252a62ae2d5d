"""Research (P5.F): pseudonymised rows and aggregates."""
