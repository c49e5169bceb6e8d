"""Shared load-test and cluster infrastructure: protocol load generator, nginx config."""
