"""Terminal interaction the commands share: prompts, wizards, the plan editor, passphrases, rendering."""
