"""Who the child is, as every room reads it: age against the age of majority (`age`, disputed and
estimated ages included), names folded to keys and the name index that finds the same child under
another spelling (`name_keys`, `people_index`, `pairing`)."""
