"""The Regionsprofil: view model and PDF."""
