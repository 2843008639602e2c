"""Family tracing and reunification: the family members a child names, tracing requests and their
steps (located, verified, reunified), with the child's wish weighed at each. What a reunification
makes due afterwards, and what closing as reunified needs, are rules in `case/due/reunification.py`."""
