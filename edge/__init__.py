"""The HTTP edge: settings, command line, middleware, health, metrics — what an operator runs.

Imports run models → directives → auth → schema → resolvers → edge → server.py.
"""
