"""Gemeindeverbände: lookup and how a cooperation relates to them (model), and their panels."""
