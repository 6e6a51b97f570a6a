"""The typer command-line interface: one thin module per command."""
