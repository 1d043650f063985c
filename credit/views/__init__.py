"""Server-rendered pages of credit grading, one module per concern. Thin: every read goes through a model's
`visible_to` or credit.selectors, every write through credit.services."""
