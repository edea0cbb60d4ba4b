"""The command line's commands: build, init-terms, refresh and plan."""
