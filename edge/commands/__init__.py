"""Subcommands of `python server.py`: one module each, listed in `edge.cli.COMMANDS`."""
