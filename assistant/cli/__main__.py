"""`python -m assistant.cli` runs the `metodstod` command."""

from assistant.cli import main

main()
