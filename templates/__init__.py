"""Letter templates shipped with sosa (Jinja, ja/ and en/)."""
