"""The CLI layer: each module parses, prompts and prints for one command group."""
