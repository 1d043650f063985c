"""inspections: models arrive with their issue."""
