"""The citizen's answers: entry points, invitations, kiosk, submission, comments, retention."""
