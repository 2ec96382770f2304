"""Figures for a period and a scope, factor indices, alerts, and the exports built on them."""
