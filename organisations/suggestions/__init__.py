"""Suggestions from the public (its own app, label ``suggestions``): the two forms, their rate
limit, moderation in admin, and deleting them after the period the privacy page states."""
