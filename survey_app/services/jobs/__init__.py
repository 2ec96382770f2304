"""Long work off the request: a task queue (huey) and the jobs staff follow on a page."""
