"""Sector survey campaigns: setup, posters, progress and section indices."""
