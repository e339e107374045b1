"""Sample records and reference tables shipped with sosa."""
