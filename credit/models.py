"""credit: models arrive with their issue."""
