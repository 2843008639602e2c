"""The child's legal pathway: asylum or refugee claims and their status (the authority's steps
and incidents join here)."""
