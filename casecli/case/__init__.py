"""The case and its steps, in the field's words: registration, assessment, plan, implementation,
monitoring, closure; the case's history, its stage and what is due on it, and the views of it."""
