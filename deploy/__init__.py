"""Deployment: nginx in front of several app processes (`make cluster`)."""
