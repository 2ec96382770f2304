"""Questionnaire files, their versions, and the survey forms built from them."""
