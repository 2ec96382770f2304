"""Feedback cases: comments that ask for action, with owners, deadlines, thread and history."""
