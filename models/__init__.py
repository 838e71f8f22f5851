"""Transformer backends (scorer, generators, embedder), loaded offline from installed packages."""
