"""brands: models arrive with their issue."""
