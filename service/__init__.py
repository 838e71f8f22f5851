"""The HTTP service, its settings and the `jargon` command line."""
